import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { documentedOperations } from '@converge/protocol/openapi';
import { type ChatProcess, type Cluster, rest, startCluster, user } from './harness';

// dist/test/ → the repository root.
const committed = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi/chat.json'), 'utf8'));

let c: Cluster;
let p: ChatProcess;
before(async () => {
  c = await startCluster();
  p = await c.spawn();
});
after(async () => {
  await c.close();
});

test('GET /openapi.json serves the committed docs/openapi/chat.json, without a token', async () => {
  const res = await fetch(`${p.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(await res.json(), committed);
});

test('every documented call is routed, asks for a token, and answers a documented status', async () => {
  const ops = documentedOperations(committed);
  assert.ok(ops.length >= 12);
  const u = await user(c.issuer);
  for (const op of ops) {
    const anonymous = await rest(p.url, op.method, op.sample, '');
    assert.equal(anonymous.status, 401, `${op.method} ${op.path} without a token`);
    // With a token, on a room that does not exist: routed (not Nest's "Cannot …"), and a status the document lists.
    const r = await rest(p.url, op.method, op.sample, u.token, op.method === 'GET' || op.method === 'DELETE' ? undefined : {});
    const what = `${op.method} ${op.path} → ${r.status} ${JSON.stringify(r.body)}`;
    assert.ok(!(r.status === 404 && /^Cannot /.test(r.body?.error?.message ?? '')), `unrouted: ${what}`);
    assert.ok(op.statuses.includes(String(r.status)), `undocumented status: ${what}`);
  }
});
