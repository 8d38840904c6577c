// Login budgets under parallel attack, against the built service as a child process and the real Redis.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, startNatsServer, type TestDatabase, type TestServer } from '@converge/testing';
import { baseEnv, call, register, uname, writeKey } from './harness';
import { type ServiceProcess, spawnUserService } from './process';

const WINDOW_SECONDS = 6;
const MAX_FAILURES = 5;
const IP_MAX = 20;
const ACCOUNT_MAX = 10;

let db: TestDatabase;
let nats: TestServer;
let dir: string;
let svc: ServiceProcess;
before(async () => {
  db = await createTestDatabase('user_throttle');
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'converge-user-throttle-'));
  svc = await spawnUserService({
    ...baseEnv(db, nats, writeKey(dir)),
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
    LOGIN_IP_MAX_FAILURES: String(IP_MAX),
    LOGIN_ACCOUNT_MAX_FAILURES: String(ACCOUNT_MAX),
  });
});
after(async () => {
  await svc?.stop();
  await nats.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

function login(username: string, password: string, ip: string) {
  return call(svc.url, 'POST', '/auth/login', { username, password }, undefined, { 'x-forwarded-for': ip });
}

function count(statuses: number[]): Record<number, number> {
  const c: Record<number, number> = {};
  for (const s of statuses) c[s] = (c[s] ?? 0) + 1;
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('200 concurrent wrong passwords for one user from one IP: at most LOGIN_MAX_FAILURES 401s, the rest 429; the right password stays 429 until the window passes', async () => {
  const u = await register(svc.url);
  const ip = '10.20.0.1';
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => login(u.user.username, `wrong-${i}-password`, ip)));
  const c = count(replies.map((r) => r.status));
  assert.ok((c[401] ?? 0) <= MAX_FAILURES, `401s: ${JSON.stringify(c)}`);
  assert.equal((c[401] ?? 0) + (c[429] ?? 0), 200, `only 401 and 429: ${JSON.stringify(c)}`);
  for (const r of replies.filter((x) => x.status === 429)) {
    assert.equal(r.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  const blocked = await login(u.user.username, u.password, ip);
  assert.deepEqual([blocked.status, blocked.body.error.code], [429, 'RATE_LIMITED']);
  await sleep((Number(blocked.headers.get('retry-after')) + 1) * 1000);
  assert.equal((await login(u.user.username, u.password, ip)).status, 200, 'a lock, not a lockout');
});

test('200 concurrent logins with random usernames from one IP: at most LOGIN_IP_MAX_FAILURES get a password check, the rest 429', async () => {
  const ip = '10.20.0.2';
  const replies = await Promise.all(Array.from({ length: 200 }, () => login(uname('spray'), 'password123', ip)));
  const c = count(replies.map((r) => r.status));
  assert.ok((c[401] ?? 0) <= IP_MAX, `401s: ${JSON.stringify(c)}`);
  assert.equal(c[429], 200 - (c[401] ?? 0), JSON.stringify(c));
  // The cap is the address's, across usernames: a real account from that address waits too...
  const u = await register(svc.url);
  assert.equal((await login(u.user.username, u.password, ip)).status, 429);
  // ...while the same account from another address is served.
  assert.equal((await login(u.user.username, u.password, '10.20.0.3')).status, 200);
});

test('one account guessed from many IPs: at most LOGIN_ACCOUNT_MAX_FAILURES 401s, then the account waits out the window from any address', async () => {
  const u = await register(svc.url);
  const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => login(u.user.username, `guess-${i}-password`, `10.30.${i >> 8}.${i & 255}`)));
  const c = count(replies.map((r) => r.status));
  assert.ok((c[401] ?? 0) <= ACCOUNT_MAX, `401s: ${JSON.stringify(c)}`);
  assert.equal(c[429], 60 - (c[401] ?? 0), JSON.stringify(c));
  const locked = await login(u.user.username, u.password, '10.31.0.1');
  assert.deepEqual([locked.status, locked.body.error.code], [429, 'RATE_LIMITED']);
  // Other accounts are not affected by this one's lock.
  const other = await register(svc.url);
  assert.equal((await login(other.user.username, other.password, '10.31.0.1')).status, 200);
  await sleep((Number(locked.headers.get('retry-after')) + 1) * 1000);
  assert.equal((await login(u.user.username, u.password, '10.31.0.1')).status, 200, 'the lock ends with the window');
});
