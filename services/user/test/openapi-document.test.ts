import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { documentedOperations } from '@converge/protocol/openapi';
import { call, type Harness, startHarness } from './harness';

// dist/test/ → the repository root.
const committed = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi/user.json'), 'utf8'));

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('GET /openapi.json serves the committed docs/openapi/user.json, without a token', async () => {
  const r = await call(h.url, 'GET', '/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(r.body, committed);
});

test('every documented call is routed, and asks for a token exactly when the document says so', async () => {
  const ops = documentedOperations(committed);
  assert.ok(ops.length >= 10);
  for (const op of ops) {
    // No token and no body: an authenticated call must answer 401 before anything else; a public one
    // answers anything but 401 (a 400 for the missing body, the JWKS); none is an unknown route.
    const r = await call(h.url, op.method, op.sample);
    const what = `${op.method} ${op.path} → ${r.status} ${JSON.stringify(r.body)}`;
    assert.ok(!(r.status === 404 && /^Cannot /.test(r.body?.error?.message ?? '')), `unrouted: ${what}`);
    assert.equal(r.status === 401, op.authenticated, what);
    assert.ok(op.statuses.includes(String(r.status)), `undocumented status: ${what}`);
  }
});
