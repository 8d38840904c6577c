// Test harness: a user service on a fresh database, its own NATS, and a unique Redis key prefix.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, createTestDatabase, startNatsServer, type TestDatabase, type TestServer } from '@converge/testing';
import type { RunningService } from '@converge/runtime-nest';
import { createLogger } from '@converge/runtime';
import { loadUserConfig } from '../src/config';
import { startUserService } from '../src/server';

export interface Harness {
  svc: RunningService;
  url: string;
  /** Where /metrics answers (METRICS_PORT). */
  metricsUrl: string;
  db: TestDatabase;
  nats: TestServer;
  keyFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Writes a fresh Ed25519 signing key as PKCS#8 PEM and returns its path. */
export function writeKey(dir: string, name = 'jwt-key.pem'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

/** Environment for a service under test; argon2 stays argon2id, with test-sized cost. */
export function baseEnv(db: { url: string }, nats: { url: string }, keyFile: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    JWT_KEY_FILE: keyFile,
    RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
    REGISTER_MAX_PER_IP: '100000',
    // The search limit has its own test with the defaults (search-limits.test.ts).
    SEARCH_BURST: '100000',
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
  };
}

export interface HarnessOptions {
  /** The DATABASE_URL the service gets for its fresh database (a proxy's, say). @default the database's own */
  databaseUrl?: (url: string) => string;
}

export async function startHarness(overrides: Record<string, string> = {}, o: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-test-'));
  const keyFile = writeKey(dir);
  const db = await createTestDatabase('user_test');
  const nats = await startNatsServer();
  const env = { ...baseEnv({ url: o.databaseUrl?.(db.url) ?? db.url }, nats, keyFile), ...overrides };
  const svc = await startUserService(loadUserConfig(env), {
    handleSignals: false,
    logger: createLogger('user', 'silent'),
  });
  return {
    svc,
    url: svc.url,
    metricsUrl: svc.metricsUrl,
    db,
    nats,
    keyFile,
    env,
    async close() {
      await svc.stop();
      await nats.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The suites' REST client lives in @converge/testing.
export { call, type Reply } from '@converge/testing';

let seq = 0;
/** A username unique within the run. */
export function uname(prefix = 'u'): string {
  return `${prefix}${process.pid % 1000}_${++seq}_${randomBytes(2).toString('hex')}`;
}

export async function register(base: string, username = uname(), password = 'correct horse battery') {
  const r = await call(base, 'POST', '/auth/register', { username, password });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...(r.body as { user: { id: string; username: string }; accessToken: string; refreshToken: string }), password };
}
