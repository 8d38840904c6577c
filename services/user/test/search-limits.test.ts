import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { userConfigSchema } from '../src/config';
import { call, type Harness, register, startHarness } from './harness';

// The defaults of the config (the harness lifts the burst for the other suites).
const perSecond = userConfigSchema.shape.SEARCH_RATE_PER_SECOND.parse(undefined);
const burst = userConfigSchema.shape.SEARCH_BURST.parse(undefined);

let h: Harness;
before(async () => {
  h = await startHarness({ SEARCH_RATE_PER_SECOND: String(perSecond), SEARCH_BURST: String(burst) });
});
after(async () => {
  await h.close();
});

test('GET /users?search flooded by one user ends in 429 RATE_LIMITED with Retry-After; another user is served', async () => {
  assert.deepEqual([perSecond, burst], [5, 20], 'the documented defaults');
  const [u, v] = [await register(h.url), await register(h.url)];
  const replies = await Promise.all(Array.from({ length: burst * 3 }, (_, i) => call(h.url, 'GET', `/users?search=a${i % 10}`, undefined, u.accessToken)));
  const ok = replies.filter((r) => r.status === 200).length;
  const limited = replies.filter((r) => r.status !== 200);
  assert.ok(ok >= burst && ok <= burst + perSecond, `the burst passes, then ${perSecond}/s: ${ok} passed`);
  for (const r of limited) {
    assert.deepEqual([r.status, r.body.error.code], [429, 'RATE_LIMITED']);
    const retryAfter = Number(r.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`);
    assert.ok(r.body.error.details.retryAfterSeconds >= 1);
  }
  const served = await Promise.all(Array.from({ length: 5 }, () => call(h.url, 'GET', '/users?search=a', undefined, v.accessToken)));
  assert.deepEqual(served.map((r) => r.status), [200, 200, 200, 200, 200]);
  // The rate comes back.
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await call(h.url, 'GET', '/users?search=a', undefined, u.accessToken)).status, 200);
});

test('GraphQL users(search) draws on the same budget: a flood ends in RATE_LIMITED errors; another user is served', async () => {
  const [u, v] = [await register(h.url), await register(h.url)];
  const query = (token: string, i: number) =>
    call(h.url, 'POST', '/graphql', { query: `{ users(search: "b${i % 10}") { id } }` }, token);
  const replies = await Promise.all(Array.from({ length: burst * 3 }, (_, i) => query(u.accessToken, i)));
  const ok = replies.filter((r) => r.status === 200 && !r.body.errors).length;
  const limited = replies.filter((r) => r.body.errors);
  assert.ok(ok >= burst && ok <= burst + perSecond, `the burst passes, then ${perSecond}/s: ${ok} passed`);
  assert.ok(limited.length >= burst, `${limited.length} refused`);
  for (const r of limited) assert.equal(r.body.errors[0].extensions.code, 'RATE_LIMITED');
  const served = await query(v.accessToken, 0);
  assert.deepEqual([served.status, served.body.errors], [200, undefined]);
});
