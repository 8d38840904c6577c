import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HealthRegistry, probeMiddleware } from './health';

test('probes on plain node:http: liveness ignores dependencies, readiness names the failing one and drains', async () => {
  const registry = new HealthRegistry();
  let up = true;
  registry.add('db', async () => {
    if (!up) throw new Error('connection refused');
  });
  registry.add('slow', () => new Promise((r) => setTimeout(r, 1)));
  const probes = probeMiddleware(registry);
  const server = createServer((req, res) =>
    probes(req, res, () => {
      res.statusCode = 404;
      res.end();
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string) => {
    const r = await fetch(base + path);
    const text = await r.text();
    return { status: r.status, type: r.headers.get('content-type') ?? '', text };
  };
  try {
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.text), {
      status: 'ok',
      info: { db: { status: 'up' }, slow: { status: 'up' } },
      error: {},
      details: { db: { status: 'up' }, slow: { status: 'up' } },
    });
    up = false;
    const live = await get('/healthz');
    assert.equal(live.status, 200);
    assert.equal(JSON.parse(live.text).info.process.status, 'up');
    const down = await get('/readyz');
    assert.equal(down.status, 503);
    assert.deepEqual(JSON.parse(down.text).error, { db: { status: 'down', message: 'connection refused' } });
    registry.draining = true;
    const draining = await get('/readyz?probe=1');
    assert.equal(draining.status, 503);
    assert.deepEqual(JSON.parse(draining.text).error, { shutdown: { status: 'down', message: 'draining' } });
    assert.equal((await get('/metrics')).status, 404, '/metrics is not a probe: it has its own port');
    assert.equal((await get('/other')).status, 404, 'anything else goes to the next handler');
  } finally {
    server.close();
  }
});

test('a dependency that does not answer in time counts as down', async () => {
  const registry = new HealthRegistry();
  registry.add('stuck', () => new Promise(() => undefined));
  const t0 = Date.now();
  const r = await registry.readiness();
  assert.equal(r.status, 'error');
  assert.match(String(r.error.stuck?.message), /no answer within 2000 ms/);
  assert.ok(Date.now() - t0 < 3000);
});
