import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, type Harness, register, startHarness, uname } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness({ REGISTER_MAX_PER_IP: '12' });
});
after(async () => {
  await h.close();
});

test('5 failed logins for a username from one IP: the next attempt is 429 with Retry-After, even with the right password', async () => {
  const u = await register(h.url);
  for (let i = 0; i < 5; i++) {
    const r = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: `wrong-${i}-pw` });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const blocked = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
  assert.deepEqual([blocked.status, blocked.body.error.code], [429, 'RATE_LIMITED']);
  const retryAfter = Number(blocked.headers.get('retry-after'));
  assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  // Another client address is not blocked (the limit is per username+IP).
  const elsewhere = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password }, undefined, {
    'x-forwarded-for': '10.1.2.3',
  });
  assert.equal(elsewhere.status, 200);
});

test('a successful login clears the failures', async () => {
  const u = await register(h.url);
  for (let i = 0; i < 4; i++) await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: 'wrong-pass' });
  assert.equal((await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password })).status, 200);
  for (let i = 0; i < 4; i++) {
    assert.equal((await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: 'wrong-pass' })).status, 401);
  }
});

test('registrations per IP are limited', async () => {
  const ip = '10.9.9.9';
  const statuses: number[] = [];
  for (let i = 0; i < 14; i++) {
    const r = await call(h.url, 'POST', '/auth/register', { username: uname('flood'), password: 'password123' }, undefined, {
      'x-forwarded-for': ip,
    });
    statuses.push(r.status);
    if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) > 0);
  }
  assert.deepEqual(statuses.slice(0, 12), Array(12).fill(201));
  assert.deepEqual(statuses.slice(12), [429, 429]);
});
