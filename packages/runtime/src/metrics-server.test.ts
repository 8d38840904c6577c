import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics';
import { startMetricsServer } from './metrics-server';

test('the metrics listener answers /metrics only, uncached, and closes', async () => {
  const m = await startMetricsServer(createMetrics('scrape-test'), { host: '127.0.0.1', port: 0 });
  try {
    const r = await fetch(`${m.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(await r.text(), /process_cpu_user_seconds_total\{service="scrape-test"\}/);
    assert.equal((await fetch(`${m.url}/healthz`)).status, 404);
    assert.equal((await fetch(`${m.url}/metrics`, { method: 'POST' })).status, 404);
  } finally {
    await m.close();
  }
  await assert.rejects(fetch(`${m.url}/metrics`));
});
