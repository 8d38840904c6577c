// A running stack for the live Prometheus test: the built user service, two chat pods and the web
// server (web/dist-server, serving the built client) as processes on free ports, on their own NATS, Redis and databases (as services/chat's tests run them).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type ServiceProcess, spawnService, startNatsServer, startRedisServer, type TestDatabase, type TestServer } from '@converge/testing';

export interface LiveStack {
  user: ServiceProcess;
  chats: [ServiceProcess, ServiceProcess];
  web: ServiceProcess;
  stop(): Promise<void>;
}

const built = (service: string) => join(__dirname, '../../../services', service, 'dist/src/main.js');
const webServer = join(__dirname, '../../../web/dist-server/main.js');

export async function startStack(): Promise<LiveStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const nats: TestServer = await startNatsServer();
    cleanups.push(() => nats.stop());
    const redis: TestServer = await startRedisServer();
    cleanups.push(() => redis.stop());
    const dir = mkdtempSync(join(tmpdir(), 'converge-obs-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'jwt-key.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const userDb: TestDatabase = await createTestDatabase('obs_user');
    cleanups.push(() => userDb.drop());
    const chatDb: TestDatabase = await createTestDatabase('obs_chat');
    cleanups.push(() => chatDb.drop());
    const common = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', NATS_URL: nats.url, REDIS_URL: redis.url };
    const user = await spawnService({
      name: 'user',
      entry: built('user'),
      env: {
        ...common,
        DATABASE_URL: userDb.url,
        JWT_KEY_FILE: keyFile,
        RATE_LIMIT_KEY_PREFIX: `obs:${randomBytes(4).toString('hex')}:`,
        ARGON2_MEMORY_KIB: '4096',
        ARGON2_TIME_COST: '1',
      },
    });
    cleanups.push(() => user.stop(10_000));
    const chatEnv = { ...common, DATABASE_URL: chatDb.url, JWKS_URL: `${user.url}/.well-known/jwks.json`, SHUTDOWN_TIMEOUT_MS: '5000' };
    // One first: it migrates; the second then finds the schema ready.
    const a = await spawnService({ name: 'chat-a', entry: built('chat'), env: chatEnv });
    cleanups.push(() => a.stop(10_000));
    const b = await spawnService({ name: 'chat-b', entry: built('chat'), env: chatEnv });
    cleanups.push(() => b.stop(10_000));
    const web = await spawnService({ name: 'web', entry: webServer, env: { LOG_LEVEL: 'warn', USER_SERVICE_URL: user.url, CHAT_SERVICE_URL: a.url } });
    cleanups.push(() => web.stop(10_000));
    return { user, chats: [a, b], web, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
