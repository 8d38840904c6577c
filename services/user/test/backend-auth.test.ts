// Redis and NATS are authenticated: in production the service refuses a Redis that needs no password
// (unless REDIS_ALLOW_NO_AUTH=true says it is intended), and it logs in to NATS with NATS_USER /
// NATS_PASSWORD. The built service against its own redis-server and nats-server processes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, startNatsServer, startRedisServer, type TestDatabase, type TestServer } from '@converge/testing';
import { baseEnv, writeKey } from './harness';
import { spawnUserService } from './process';

let db: TestDatabase;
let nats: TestServer;
let openRedis: TestServer;
let lockedRedis: TestServer;
let env: Record<string, string>;
let dir: string;
const REDIS_SECRET = 'r3dis-secret-from-a-Secret';
const NATS_LOGIN = { user: 'converge', pass: 'nats-secret-from-a-Secret' };
before(async () => {
  db = await createTestDatabase('user_backend_auth');
  nats = await startNatsServer({ auth: NATS_LOGIN });
  [openRedis, lockedRedis] = await Promise.all([startRedisServer(), startRedisServer({ password: REDIS_SECRET })]);
  dir = mkdtempSync(join(tmpdir(), 'converge-user-auth-'));
  env = { ...baseEnv(db, nats, writeKey(dir)), NATS_USER: NATS_LOGIN.user, NATS_PASSWORD: NATS_LOGIN.pass, NODE_ENV: 'production' };
});
after(async () => {
  await Promise.all([nats.stop(), openRedis.stop(), lockedRedis.stop()]);
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('NODE_ENV=production and a Redis without a password: the service refuses to start and says why', async () => {
  await assert.rejects(spawnUserService({ ...env, REDIS_URL: openRedis.url, REDIS_PASSWORD: 'set-but-not-needed' }), (e: Error) => {
    assert.match(e.message, /exited \(1\)/);
    assert.match(e.message, /accepts commands without a password/);
    assert.match(e.message, /REDIS_ALLOW_NO_AUTH=true/);
    assert.doesNotMatch(e.message, /set-but-not-needed/, 'the password is never printed');
    return true;
  });
});

test('REDIS_ALLOW_NO_AUTH=true lets a production service use an open Redis on purpose', async () => {
  const svc = await spawnUserService({ ...env, REDIS_URL: openRedis.url, REDIS_ALLOW_NO_AUTH: 'true' });
  await svc.stop();
});

test('with the password from REDIS_PASSWORD and the NATS login, a production service gets ready', async () => {
  const svc = await spawnUserService({ ...env, REDIS_URL: lockedRedis.url, REDIS_PASSWORD: REDIS_SECRET });
  try {
    const ready = (await (await fetch(`${svc.url}/readyz`)).json()) as { info: Record<string, { status: string }> };
    assert.equal(ready.info.redis?.status, 'up');
    assert.equal(ready.info.nats?.status, 'up');
  } finally {
    await svc.stop();
  }
});
