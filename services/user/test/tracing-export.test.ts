import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase, startNatsServer, startOtlpReceiver, waitFor } from '@converge/testing';
import { baseEnv, call, writeKey } from './harness';
import { spawnUserService } from './process';

// A local OTLP/HTTP receiver (@converge/testing) takes what the service exports.
test('with OTEL_EXPORTER_OTLP_ENDPOINT set, a request is one exported trace (and only traces are pushed); its event publish links to it', async () => {
  const receiver = await startOtlpReceiver();
  const db = await createTestDatabase('user_otel');
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-otel-'));
  try {
    const svc = await spawnUserService({
      ...baseEnv(db, nats, writeKey(dir)),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'user-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    const r = await call(svc.url, 'POST', '/auth/register', { username: `otel_${process.pid}`, password: 'password123' });
    assert.equal(r.status, 201);
    const traceId = r.headers.get('x-trace-id');
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
    await waitFor('the request and its event publish exported', () => receiver.spans().some((s) => s.name === 'publish users.registered'), 15_000);
    svc.child.kill('SIGTERM');
    await svc.exited;
    const spans = receiver.spans();
    // Traces only: metrics are prom-client's on /metrics and logs are pino's on stdout, never pushed twice.
    assert.deepEqual(receiver.rejected(), []);
    const server = spans.find((s) => s.traceId === traceId && !s.parentSpanId);
    assert.ok(server, 'the logged trace id is the exported trace');
    assert.equal(server.resource['service.name'], 'user-under-test');
    assert.ok(spans.some((s) => s.traceId === traceId && s.scope === '@opentelemetry/instrumentation-pg'), 'the INSERTs are in the request trace');
    // The relay publishes later, in a trace of its own linked to the span that wrote the event.
    const publish = spans.find((s) => s.name === 'publish users.registered');
    assert.notEqual(publish?.traceId, traceId);
    assert.equal(publish?.links[0]?.traceId, traceId);
  } finally {
    await receiver.stop();
    await nats.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
