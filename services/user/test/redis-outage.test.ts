import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedisServer, type TestServer, waitFor } from '@converge/testing';
import { call, type Harness, register, startHarness } from './harness';

let redis: TestServer;
let h: Harness;
before(async () => {
  redis = await startRedisServer();
  h = await startHarness({ REDIS_URL: redis.url });
});
after(async () => {
  await h.close();
  await redis.stop();
});

test('Redis down: login and registration still work, failed logins are still throttled (per pod), readiness names redis', async () => {
  const u = await register(h.url);
  await redis.kill();
  await waitFor('readiness reports redis down', async () => {
    const r = await call(h.url, 'GET', '/readyz');
    return r.status === 503 && r.body.error?.redis?.status === 'down';
  }, 10_000);

  const ok = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await register(h.url)).user.username.length > 0, true, 'registration works too');

  for (let i = 0; i < 5; i++) {
    const r = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: `wrong-${i}-pass` });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const blocked = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
  assert.deepEqual([blocked.status, blocked.body.error.code], [429, 'RATE_LIMITED']);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);

  await redis.restart();
  await waitFor('ready again', async () => (await call(h.url, 'GET', '/readyz')).status === 200, 15_000);
  const back = await call(h.url, 'POST', '/auth/login', { username: (await register(h.url)).user.username, password: 'correct horse battery' });
  assert.equal(back.status, 200);
});
