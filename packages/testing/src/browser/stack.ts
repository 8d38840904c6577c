// The whole platform for one test file: the built user and chat services on their own databases,
// their own NATS and Redis, a fresh Ed25519 signing key, and the web server proxying to them.
// Only 127.0.0.1; everything started here is stopped by PID in close().
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../database';
import type { TestServer } from '../managed-server';
import { startNatsServer, startRedisServer } from '../processes';
import { runCommand } from '../run-command';
import { type ServiceProcess, spawnService } from '../service-process';

// Compiled to packages/testing/dist/src/browser/: five levels up is the repository root.
export const ROOT = resolve(__dirname, '..', '..', '..', '..', '..');
const USER_ENTRY = join(ROOT, 'services/user/dist/src/main.js');
// E2E_CHAT_ENTRY points the suite at another chat build (e.g. a branch under review).
const CHAT_ENTRY = process.env.E2E_CHAT_ENTRY ?? join(ROOT, 'services/chat/dist/src/main.js');
const CHAT_MIGRATE = join(ROOT, 'services/chat/dist/src/migrate.js');
const USER_MIGRATE = join(ROOT, 'services/user/dist/src/migrate.js');
const GENERATE_KEY = join(ROOT, 'services/user/dist/src/generate-key.js');
const WEB_ENTRY = join(ROOT, 'web/dist-server/main.js');
const WEB_BUILD = join(ROOT, 'web/dist/index.html');

/** Access-token lifetime of every e2e stack: short, so each run exercises the SPA's transparent refresh. */
export const ACCESS_TTL_SECONDS = 10;

/** What a test that only browses needs of a stack. */
export interface StackHandle {
  webUrl: string;
  close(): Promise<void>;
}

/** Set by run-all for the test processes: the URLs of the stack it started once for the whole run. */
export const SHARED_STACK_ENV = 'E2E_SHARED_STACK';

/**
 * The run's shared stack when run-all started one (each test registers its own users, so tests do
 * not see each other's rooms), else a stack of this file's own (running one file by hand).
 * A test that stops or restarts a service takes `startStack` instead.
 */
export async function useStack(name: string): Promise<StackHandle> {
  const shared = process.env[SHARED_STACK_ENV];
  if (shared) {
    const { webUrl } = JSON.parse(shared) as { webUrl: string };
    return { webUrl, close: async () => undefined };
  }
  return startStack(name);
}

export interface Stack extends StackHandle {
  user: ServiceProcess;
  chat: ServiceProcess;
  web: ServiceProcess;
  logDir: string;
  close(): Promise<void>;
}

/** What the suite needs built; a readable reason instead of a timeout when something is missing. */
export function missingBuilds(): string[] {
  const missing: string[] = [];
  for (const f of [USER_ENTRY, USER_MIGRATE, GENERATE_KEY]) if (!existsSync(f)) missing.push(`user service (${f})`);
  if (!existsSync(CHAT_ENTRY)) missing.push(`chat service (${CHAT_ENTRY})`);
  if (!existsSync(WEB_ENTRY) || !existsSync(WEB_BUILD)) missing.push('web build (npm run build -w @converge/web)');
  return missing;
}

export async function startStack(name: string, opts: { accessTtlSeconds?: number } = {}): Promise<Stack> {
  const missing = missingBuilds();
  if (missing.length) throw new Error(`e2e needs these built first: ${missing.join(', ')}`);

  const dir = mkdtempSync(join(tmpdir(), `converge-web-e2e-${name}-`));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const keyFile = join(dir, 'jwt-key.pem');

  const started: { stop(): Promise<void> }[] = [];
  const dbs: TestDatabase[] = [];
  const close = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    for (const db of dbs) await db.drop().catch(() => undefined);
    if (!process.env.E2E_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const nats: TestServer = await startNatsServer();
    started.push(nats);
    const redis: TestServer = await startRedisServer();
    started.push(redis);
    const userDb = await createTestDatabase(`web_e2e_user_${name}`);
    dbs.push(userDb);
    const chatDb = await createTestDatabase(`web_e2e_chat_${name}`);
    dbs.push(chatDb);
    const prefix = `e2e:${randomBytes(4).toString('hex')}:`;
    // As make dev and a deploy do: a signing key from the user service's own script, then each
    // service's migrations (in parallel; the services would also migrate at start).
    const migrations: Promise<void>[] = [
      runScript(GENERATE_KEY, [keyFile], {}),
      runScript(USER_MIGRATE, [], { DATABASE_URL: userDb.url }),
    ];
    if (!process.env.E2E_CHAT_ENTRY) migrations.push(runScript(CHAT_MIGRATE, [], { DATABASE_URL: chatDb.url }));
    await Promise.all(migrations);
    const common = { LOG_LEVEL: 'info', NATS_URL: nats.url, REDIS_URL: redis.url, SHUTDOWN_TIMEOUT_MS: '5000' };

    const user = await spawnService({
      name: 'user',
      entry: USER_ENTRY,
      logFile: join(logDir, 'user.log'),
      env: {
        ...common,
        DATABASE_URL: userDb.url,
        JWT_KEY_FILE: keyFile,
        RATE_LIMIT_KEY_PREFIX: prefix,
        REGISTER_MAX_PER_IP: '100000',
        LOGIN_MAX_FAILURES: '1000',
        SEARCH_BURST: '100000',
        ARGON2_MEMORY_KIB: '4096',
        ARGON2_TIME_COST: '1',
        ACCESS_TOKEN_TTL_SECONDS: String(opts.accessTtlSeconds ?? ACCESS_TTL_SECONDS),
      },
    });
    started.push(user);

    const chatEnv = {
      ...common,
      // The tests seed hundreds of messages quickly; the send limit has its own tests in services/chat.
      SEND_RATE_PER_SECOND: '100000',
      SEND_BURST: '100000',
      RATE_LIMITS: '*=100000/1',
      DATABASE_URL: chatDb.url,
      JWKS_URL: `${user.url}/.well-known/jwks.json`,
    };
    const chat = await spawnService({
      name: 'chat',
      entry: CHAT_ENTRY,
      logFile: join(logDir, 'chat.log'),
      env: chatEnv,
    });
    started.push(chat);

    const web = await spawnService({
      name: 'web',
      entry: WEB_ENTRY,
      logFile: join(logDir, 'web.log'),
      env: { USER_SERVICE_URL: user.url, CHAT_SERVICE_URL: chat.url, LOG_LEVEL: 'warn' },
    });
    started.push(web);

    return { webUrl: web.url, user, chat, web, logDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs a one-shot node script (migrations, key generation). */
function runScript(entry: string, args: string[], env: Record<string, string>): Promise<void> {
  return runCommand(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, timeoutMs: 60_000 });
}
