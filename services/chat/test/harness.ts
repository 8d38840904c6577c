// Test harness: a JWKS the test controls, chat processes on a fresh database, their own NATS and Redis.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  call,
  createTestDatabase,
  type ServiceProcess,
  spawnService,
  startNatsServer,
  startRedisServer,
  type TestDatabase,
  TestIssuer,
  type TestServer,
} from '@converge/testing';

/** A chat process the test started (@converge/testing's spawnService). */
export type ChatProcess = ServiceProcess;

export interface Cluster {
  issuer: TestIssuer;
  db: TestDatabase;
  nats: TestServer;
  redis: TestServer;
  env: Record<string, string>;
  spawn(extra?: Record<string, string>): Promise<ChatProcess>;
  close(): Promise<void>;
}

export async function startCluster(extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const issuer = new TestIssuer();
  await issuer.start();
  const db = await createTestDatabase('chat_test');
  const nats = await startNatsServer();
  // Its own Redis too: the adapter's channels and the limits of one suite never meet another's.
  const redis = await startRedisServer();
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    REDIS_URL: redis.url,
    JWKS_URL: issuer.jwksUrl,
    // Load tests send as fast as acks allow; the rate limit has its own test with the defaults.
    SEND_RATE_PER_SECOND: '100000',
    SEND_BURST: '100000',
    // So are the other per-user limits; limits.test.ts checks the table's defaults.
    RATE_LIMITS: '*=100000/1',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...extraEnv,
  };
  const procs: ChatProcess[] = [];
  return {
    issuer,
    db,
    nats,
    redis,
    env,
    async spawn(extra = {}) {
      const p = await spawnChat({ ...env, ...extra });
      procs.push(p);
      return p;
    },
    async close() {
      // SIGTERM, so each process drains (and writes its coverage); SIGKILL only if it hangs.
      await Promise.all(procs.map((p) => p.stop(10_000)));
      await nats.stop();
      await redis.stop();
      await db.drop();
      await issuer.stop();
    },
  };
}

export function spawnChat(env: Record<string, string>): Promise<ChatProcess> {
  return spawnService({ name: 'chat', entry: join(__dirname, '../src/main.js'), env });
}

/** The real user service (its build, as a process) beside chat: it signs tokens and publishes USERS and SESSIONS. */
export interface UserServiceProcess {
  url: string;
  jwksUrl: string;
  stop(): Promise<void>;
}

/** Starts the built user service on its own database, a fresh signing key, and the given NATS and Redis. */
export async function startUserService(backends: { nats: TestServer; redis: TestServer }): Promise<UserServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'converge-chat-user-'));
  const keyFile = join(dir, 'jwt-key.pem');
  writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const db = await createTestDatabase('user_test');
  let svc: ServiceProcess;
  try {
    svc = await spawnService({
      name: 'user',
      // The user service's build, as bench and the web e2e run it (hack/build.sh builds both).
      entry: join(__dirname, '../../../user/dist/src/main.js'),
      env: {
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        NATS_URL: backends.nats.url,
        REDIS_URL: backends.redis.url,
        JWT_KEY_FILE: keyFile,
        RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
        ARGON2_MEMORY_KIB: '4096',
        ARGON2_TIME_COST: '1',
      },
    });
  } catch (e) {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: svc.url,
    jwksUrl: `${svc.url}/.well-known/jwks.json`,
    async stop() {
      await svc.stop(10_000);
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A REST call as the holder of `token` (the shared client, in the argument order of these suites). */
export function rest(base: string, method: string, path: string, token: string, body?: unknown) {
  // Always a Bearer header, even an empty one: some tests send a bad token on purpose.
  return call(base, method, path, body, undefined, { authorization: `Bearer ${token}` });
}

export interface User {
  id: string;
  token: string;
}

export async function user(issuer: TestIssuer): Promise<User> {
  const id = randomUUID();
  return { id, token: await issuer.token(id) };
}

export function connect(base: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connectSocket(base, { path: '/socket.io/', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

export function emit<T = any>(s: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  return s.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Two chat processes on one cluster for a test file: started before its tests, closed after them. */
export function useTwoPods(env: Record<string, string> = {}): { c: Cluster; a: ChatProcess; b: ChatProcess } {
  const pods = {} as { c: Cluster; a: ChatProcess; b: ChatProcess };
  before(async () => {
    pods.c = await startCluster(env);
    [pods.a, pods.b] = await Promise.all([pods.c.spawn(), pods.c.spawn()]);
  });
  after(async () => {
    await pods.c.close();
  });
  return pods;
}
