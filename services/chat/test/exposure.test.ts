// What the public port shows: no /metrics (it has its own port, which the Ingress never routes), and
// API answers that no cache keeps and no browser sniffs. The built service, as a pod runs it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ChatProcess, type Cluster, rest, startCluster, user, type User } from './harness';

let c: Cluster;
let p: ChatProcess;
let alice: User;
before(async () => {
  c = await startCluster();
  p = await c.spawn();
  alice = await user(c.issuer);
});
after(async () => {
  await c.close();
});

test('GET /metrics on the public port is 404; the metrics port answers it', async () => {
  assert.equal((await fetch(`${p.url}/metrics`)).status, 404);
  const scrape = await fetch(`${p.metricsUrl}/metrics`);
  assert.equal(scrape.status, 200);
  assert.match(await scrape.text(), /^outbox_lag_seconds\{/m);
  assert.equal((await fetch(`${p.metricsUrl}/rooms`)).status, 404, 'the metrics port serves nothing else');
});

test('API answers, successes and errors alike, carry Cache-Control: no-store and nosniff', async () => {
  const created = await rest(p.url, 'POST', '/rooms', alice.token, { name: 'exposure', memberIds: [] });
  const unauthorized = await rest(p.url, 'GET', '/rooms', 'not-a-token');
  const listed = await rest(p.url, 'GET', '/rooms', alice.token);
  assert.equal(created.status, 201);
  assert.equal(unauthorized.status, 401);
  for (const [name, r] of [['create', created], ['401', unauthorized], ['list', listed]] as const) {
    assert.equal(r.headers.get('cache-control'), 'no-store', name);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', name);
  }
});
