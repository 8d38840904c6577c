import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HealthRegistry } from '@converge/runtime';
import type { RunningService } from '../src/bootstrap';
import { fixtureState, startFixture } from './fixture-service';

let svc: RunningService;
before(async () => {
  svc = await startFixture({ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', HSTS_MAX_AGE_SECONDS: '600', LOG_LEVEL: 'silent' }, false);
});
after(async () => {
  await svc.stop();
});

async function call(path: string, init?: RequestInit) {
  const res = await fetch(svc.url + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

test('liveness answers without checking dependencies', async () => {
  fixtureState.dependencyUp = false;
  try {
    assert.equal((await call('/healthz')).status, 200);
  } finally {
    fixtureState.dependencyUp = true;
  }
});

test('readiness is 503 and names the failing dependency', async () => {
  assert.equal((await call('/readyz')).status, 200);
  fixtureState.dependencyUp = false;
  try {
    const r = await call('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.body?.error?.fakedb?.status, 'down');
    assert.match(String(r.body?.error?.fakedb?.message), /connection refused/);
  } finally {
    fixtureState.dependencyUp = true;
  }
});

test('/metrics answers on the metrics port only, with process metrics and request durations by route and status', async () => {
  await call('/slow?ms=1');
  assert.notEqual(new URL(svc.metricsUrl).port, new URL(svc.url).port);
  assert.equal((await call('/metrics')).status, 404, 'the public port has no /metrics');
  const res = await fetch(svc.metricsUrl + '/metrics');
  const text = await res.text();
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  assert.match(text, /process_cpu_user_seconds_total/);
  assert.match(text, /http_request_duration_seconds_bucket\{[^}]*route="\/slow"[^}]*status="200"/);
});

test('every answer, an error too, is no-store and nosniff, with HSTS when configured', async () => {
  for (const r of [await call('/slow?ms=1'), await call('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })]) {
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('strict-transport-security'), 'max-age=600; includeSubDomains');
  }
});

test('bad input gets the contract error body, never a 5xx', async () => {
  const json = { 'content-type': 'application/json' };
  const malformed = await call('/echo', { method: 'POST', headers: json, body: '{"name":' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body?.error?.code, 'VALIDATION_FAILED');
  const unknown = await call('/echo', { method: 'POST', headers: json, body: '{"name":"a","x":1}' });
  assert.equal(unknown.body?.error?.code, 'VALIDATION_FAILED');
  const huge = await call('/echo', { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(1 << 20) }) });
  assert.equal(huge.status, 413);
  assert.equal(huge.body?.error?.code, 'PAYLOAD_TOO_LARGE');
  const notJson = await call('/echo', { method: 'POST', headers: json, body: '"just a string"' });
  assert.equal(notJson.status, 400);
  const ok = await call('/echo', { method: 'POST', headers: json, body: '{"name":"zoë"}' });
  assert.deepEqual([ok.status, ok.body], [201, { name: 'zoë' }]);
});

test('unknown routes are NOT_FOUND; rate limits carry Retry-After; crashes are 500 without details', async () => {
  const missing = await call('/nope');
  assert.deepEqual([missing.status, missing.body?.error?.code], [404, 'NOT_FOUND']);
  const limited = await call('/conflict');
  assert.deepEqual([limited.status, limited.body?.error?.code, limited.headers.get('retry-after')], [429, 'RATE_LIMITED', '7']);
  const boom = await call('/boom');
  assert.equal(boom.status, 500);
  assert.doesNotMatch(JSON.stringify(boom.body), /kaboom/);
});

test('the Nest probes answer exactly what the core registry reports on plain http, draining included', async () => {
  const registry = svc.app.get(HealthRegistry);
  assert.deepEqual((await call('/healthz')).body, { ...registry.liveness() });
  try {
    for (const up of [true, false]) {
      fixtureState.dependencyUp = up;
      const nest = await call('/readyz');
      const core = await registry.readiness();
      assert.equal(nest.status, core.status === 'ok' ? 200 : 503);
      assert.deepEqual(nest.body, core);
    }
    registry.draining = true;
    const draining = await call('/readyz');
    assert.equal(draining.status, 503);
    assert.deepEqual(draining.body, await registry.readiness());
  } finally {
    registry.draining = false;
    fixtureState.dependencyUp = true;
  }
});
