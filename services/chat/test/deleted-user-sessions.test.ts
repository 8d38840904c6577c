// A deleted user's tokens stop working in chat within seconds: the real user service (as a process)
// signs the tokens and publishes `users.deleted`; two chat pods verify and consume.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import {
  call,
  createTestDatabase,
  startNatsServer,
  startRedisServer,
  type TestDatabase,
  type TestServer,
  waitFor,
} from '@converge/testing';
import { type ChatProcess, connect, rest, spawnChat, startUserService, type UserServiceProcess } from './harness';

let chatDb: TestDatabase;
let nats: TestServer;
let redis: TestServer;
let userSvc: UserServiceProcess;
let a: ChatProcess;
let b: ChatProcess;

before(async () => {
  [chatDb, nats, redis] = await Promise.all([createTestDatabase('chat_del'), startNatsServer(), startRedisServer()]);
  userSvc = await startUserService({ nats, redis });
  const chatEnv = {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: chatDb.url,
    NATS_URL: nats.url,
    REDIS_URL: redis.url,
    JWKS_URL: userSvc.jwksUrl,
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  [a, b] = await Promise.all([spawnChat(chatEnv), spawnChat(chatEnv)]);
});

after(async () => {
  await Promise.all([a?.stop(10_000), b?.stop(10_000), userSvc?.stop()]);
  await Promise.all([nats.stop(), redis.stop(), chatDb.drop()]);
});

async function registerUser(name: string): Promise<{ id: string; token: string }> {
  const r = await call(userSvc.url, 'POST', '/auth/register', { username: `${name}${randomBytes(3).toString('hex')}`, password: 'correct horse battery' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.user.id, token: r.body.accessToken };
}

test('after DELETE /users/me, the open socket is disconnected and chat answers 401 on every pod within 5 s; others are unaffected', async () => {
  const alice = await registerUser('alice');
  const bob = await registerUser('bob');
  const room = await rest(a.url, 'POST', '/rooms', alice.token, { name: 'soon gone', memberIds: [bob.id] });
  assert.equal(room.status, 201, JSON.stringify(room.body));
  const socket: Socket = await connect(b.url, alice.token);
  let disconnected = false;
  let expired = false;
  socket.on('auth:expired', () => (expired = true));
  socket.on('disconnect', () => (disconnected = true));
  assert.equal((await rest(a.url, 'GET', '/rooms', alice.token)).status, 200);

  const gone = await call(userSvc.url, 'DELETE', '/users/me', undefined, alice.token);
  assert.equal(gone.status, 204);
  const t0 = Date.now();
  try {
    await waitFor('the deleted user\'s socket to be disconnected', () => disconnected, 5000);
    for (const pod of [a, b]) {
      await waitFor(`pod ${pod.port} to answer 401`, async () => (await rest(pod.url, 'GET', '/rooms', alice.token)).status === 401, Math.max(100, 5000 - (Date.now() - t0)));
    }
  } finally {
    socket.close();
  }
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.ok(expired, 'the client was told why (auth:expired) before the disconnect');
  const r = await rest(a.url, 'GET', '/rooms', alice.token);
  assert.equal(r.body.error.code, 'UNAUTHENTICATED');
  // A new socket with the same, still unexpired, token is refused.
  await assert.rejects(connect(a.url, alice.token), /UNAUTHENTICATED/);
  // Bob, in the same room, is served as before.
  assert.equal((await rest(b.url, 'GET', '/rooms', bob.token)).status, 200);
  const bobSocket = await connect(a.url, bob.token);
  bobSocket.close();
});
