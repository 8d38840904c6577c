import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, type Harness, register, startHarness } from './harness';

// 0.00005 days = 4.32 s: a family's absolute lifetime the test can outlive.
const FAMILY_MS = 0.00005 * 86_400_000;

let h: Harness;
before(async () => {
  h = await startHarness({ REFRESH_FAMILY_MAX_DAYS: '0.00005' });
});
after(async () => {
  await h.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('rotation does not extend a refresh-token family past REFRESH_FAMILY_MAX_DAYS; a new login starts a new one', async () => {
  const u = await register(h.url);
  const started = Date.now();
  const login = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
  assert.equal(login.status, 200);
  let token = login.body.refreshToken as string;
  // Refreshing well within each token's own 30-day TTL, every second, until the family is older than its lifetime.
  while (Date.now() - started < FAMILY_MS - 1500) {
    const r = await call(h.url, 'POST', '/auth/refresh', { refreshToken: token });
    assert.equal(r.status, 200, `refresh at ${Date.now() - started} ms`);
    token = r.body.refreshToken;
    await sleep(1000);
  }
  await sleep(Math.max(0, started + FAMILY_MS + 500 - Date.now()));
  const late = await call(h.url, 'POST', '/auth/refresh', { refreshToken: token });
  assert.deepEqual([late.status, late.body.error.code], [401, 'UNAUTHENTICATED']);
  // The register's own family is just as old: over too.
  assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken })).status, 401);
  const again = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
  assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: again.body.refreshToken })).status, 200);
});
