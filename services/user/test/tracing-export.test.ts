import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, startNatsServer, waitFor } from '@converge/testing';
import { baseEnv, call, writeKey } from './harness';
import { spawnUserService } from './process';

/**
 * A stand-in OTLP/HTTP collector (no collector runs here): it records what the service exports,
 * which is enough to show that traces leave the process when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
test('with OTEL_EXPORTER_OTLP_ENDPOINT set, request spans (and only spans) are exported over OTLP/HTTP', async () => {
  const received: { path: string; type: string; body: Buffer }[] = [];
  const collector = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const db = await createTestDatabase('user_otel');
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-otel-'));
  try {
    const svc = await spawnUserService({
      ...baseEnv(db, nats, writeKey(dir)),
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'user-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    const r = await call(svc.url, 'POST', '/auth/register', { username: `otel_${process.pid}`, password: 'password123' });
    assert.equal(r.status, 201);
    const traceId = r.headers.get('x-trace-id');
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
    await waitFor('spans exported', () => received.some((x) => x.path === '/v1/traces'), 15_000);
    svc.child.kill('SIGTERM');
    await svc.exited;
    const traces = Buffer.concat(received.filter((x) => x.path === '/v1/traces').map((x) => x.body));
    assert.ok(received.every((x) => x.type.includes('protobuf')));
    // Traces only: metrics are prom-client's on /metrics and logs are pino's on stdout, never pushed twice.
    assert.deepEqual([...new Set(received.map((x) => x.path))], ['/v1/traces']);
    assert.ok(traces.includes(Buffer.from('user-under-test')), 'the service name is on the exported resource');
    assert.ok(traces.includes(Buffer.from(traceId ?? '', 'hex')), 'the logged trace id is the exported trace');
  } finally {
    collector.close();
    await nats.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
