// What the public port shows: no /metrics (it has its own port, which the Ingress never routes), and
// API answers that no cache keeps and no browser sniffs. The built service, as a pod runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { call, createTestDatabase, startNatsServer, type TestDatabase, type TestServer } from '@converge/testing';
import { baseEnv, uname, writeKey } from './harness';
import { type ServiceProcess, spawnUserService } from './process';

let db: TestDatabase;
let nats: TestServer;
let dir: string;
let svc: ServiceProcess;
before(async () => {
  db = await createTestDatabase('user_exposure');
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'converge-user-exposure-'));
  svc = await spawnUserService(baseEnv(db, nats, writeKey(dir)));
});
after(async () => {
  await svc?.stop();
  await nats.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('GET /metrics on the public port is 404; the metrics port answers it', async () => {
  assert.equal((await fetch(`${svc.url}/metrics`)).status, 404);
  const scrape = await fetch(`${svc.metricsUrl}/metrics`);
  assert.equal(scrape.status, 200);
  assert.match(await scrape.text(), /^http_request_duration_seconds_bucket\{/m);
  assert.equal((await fetch(`${svc.metricsUrl}/auth/login`, { method: 'POST' })).status, 404, 'the metrics port serves nothing else');
});

test('API answers, successes and errors alike, carry Cache-Control: no-store and nosniff', async () => {
  const ok = await call(svc.url, 'POST', '/auth/register', { username: uname('exp'), password: 'correct horse battery' });
  const bad = await call(svc.url, 'POST', '/auth/login', { username: 'x' });
  const jwks = await fetch(`${svc.url}/.well-known/jwks.json`);
  const gql = await fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  assert.equal(ok.status, 201);
  assert.equal(bad.status, 400);
  for (const [name, headers] of [['register', ok.headers], ['bad login', bad.headers], ['jwks', jwks.headers], ['graphql', gql.headers]] as const) {
    assert.equal(headers.get('cache-control'), 'no-store', name);
    assert.equal(headers.get('x-content-type-options'), 'nosniff', name);
  }
});
