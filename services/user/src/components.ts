import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  assertRedisAuthenticated,
  checkWritable,
  createServingPool,
  createMetrics,
  createRedis,
  databaseUrl,
  ensureDatabase,
  ensureStream,
  HealthRegistry,
  type Logger,
  type Metrics,
  NatsLink,
  natsAuth,
  OutboxRelay,
  observeOutbox,
  observePools,
  type PoolCounts,
  type ShutdownHook,
  withAdvisoryLock,
} from '@converge/runtime';
import { SESSION_SUBJECTS, SESSIONS_STREAM, USER_SUBJECTS, USERS_STREAM } from '@converge/protocol';
import type { UserConfig } from './config';
import { AuthService } from './domain/auth.service';
import { systemClock } from './domain/ports';
import { UserService } from './domain/user.service';
import { RedisLoginThrottle } from './limits/login-throttle';
import { RedisSearchLimiter } from './limits/search-limiter';
import { createDataSource, MIGRATION_LOCK, poolOf } from './persistence/data-source';
import { TypeOrmRefreshTokenStore } from './persistence/refresh-token.store';
import { TypeOrmUserRepository } from './persistence/user.repository';
import { AccessTokens } from './security/access-tokens';
import { Argon2Hasher } from './security/password-hasher';
import { type KeySet, loadKeySet } from './security/signing-keys';
import { accountTelemetry } from './user.telemetry';

/** Everything the user service runs on, built once, in one place, before any transport starts. */
export interface UserComponents {
  logger: Logger;
  metrics: Metrics;
  health: HealthRegistry;
  keys: KeySet;
  dataSource: DataSource;
  redis: Redis;
  nats: NatsLink;
  relayPool: Pool;
  relay: OutboxRelay;
  tokens: AccessTokens;
  auth: AuthService;
  users: UserService;
  /** GET /users?search per user. */
  searchLimiter: RedisSearchLimiter;
}

const INVALID_CATALOG_NAME = '3D000';

/**
 * Connects; a database that does not exist yet (a fresh dev machine, `node dist/src/main.js` alone)
 * is created first. In a cluster it exists, so the create path, which needs CREATEDB, never runs there.
 */
async function initializeCreatingDatabase(ds: DataSource, url: string, logger: Logger): Promise<void> {
  try {
    await ds.initialize();
  } catch (e) {
    if ((e as { code?: string }).code !== INVALID_CATALOG_NAME) throw e;
    logger.info({ database: new URL(url).pathname.slice(1) }, 'Creating the missing database');
    await ensureDatabase(url);
    await ds.initialize();
  }
}

/** Redis with its outages logged once per transition (ioredis would print every failed reconnect). */
function throttleRedis(config: UserConfig, logger: Logger): Redis {
  const redis = createRedis(config);
  // Login keeps working on the in-memory insurance limiter meanwhile, and readiness says so.
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (redisDown) return;
    redisDown = true;
    logger.warn({ err: err.message }, 'Redis unavailable; throttling falls back to per-pod limits');
  });
  redis.on('ready', () => {
    if (!redisDown) return;
    redisDown = false;
    logger.info('Redis available again');
  });
  return redis;
}

/** Pending migrations, one pod at a time, on a data source of their own: no serving timeouts cut a long DDL. */
async function migrate(url: string): Promise<void> {
  const ds = createDataSource(url, 1, 'migrate');
  await ds.initialize();
  try {
    await withAdvisoryLock(url, MIGRATION_LOCK, () => ds.runMigrations({ transaction: 'each' }));
  } finally {
    await ds.destroy();
  }
}

/** Loads the signing keys, connects and migrates PostgreSQL, and builds the clients and domain services. */
export async function buildComponents(config: UserConfig, logger: Logger): Promise<UserComponents> {
  const c = config;
  // First: a production pod pointed at an open Redis stops before it touches anything.
  await assertRedisAuthenticated(c);
  const metrics = createMetrics('user');
  const url = databaseUrl(c);
  const keys = await loadKeySet(c.JWT_KEY_FILE, c.JWT_PREVIOUS_KEY_FILE);
  const dataSource = createDataSource(url, c.DATABASE_POOL_SIZE);
  await initializeCreatingDatabase(dataSource, url, logger);
  await migrate(url);
  const redis = throttleRedis(c, logger);
  const nats = new NatsLink(c.NATS_URL, 'converge-user', logger, async (nc) => {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, USERS_STREAM, Object.values(USER_SUBJECTS));
    await ensureStream(jsm, SESSIONS_STREAM, Object.values(SESSION_SUBJECTS));
  }, natsAuth(c));
  const relayPool = createServingPool({ connectionString: url, max: 2 });
  // An idle client dropped by the server (restart, failover) is reported here; without a listener the
  // pool's 'error' event would crash the process. The relay's next pass reconnects.
  relayPool.on('error', (err) => logger.warn({ err: err.message }, 'Outbox relay pool client failed'));
  const relay = new OutboxRelay({ pool: relayPool, nats, logger });

  // The serving pool is TypeORM's own (its driver's `master`, a pg Pool once initialized).
  const servingPool = (dataSource.driver as unknown as { master?: PoolCounts }).master;
  observePools(metrics, { ...(servingPool ? { serving: servingPool } : {}), relay: relayPool });
  observeOutbox(metrics, relayPool);

  const observer = accountTelemetry(logger, metrics.registry);
  const userRepository = new TypeOrmUserRepository(dataSource, () => relay.kick());
  const tokens = new AccessTokens(keys, {
    issuer: c.JWT_ISSUER,
    audience: c.JWT_AUDIENCE,
    ttlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
  });
  const auth = new AuthService(
    userRepository,
    new TypeOrmRefreshTokenStore(dataSource, () => relay.kick()),
    new Argon2Hasher({ memoryCost: c.ARGON2_MEMORY_KIB, timeCost: c.ARGON2_TIME_COST, parallelism: 1 }),
    tokens,
    new RedisLoginThrottle(redis, {
      loginFailures: c.LOGIN_MAX_FAILURES,
      ipFailures: c.LOGIN_IP_MAX_FAILURES,
      accountFailures: c.LOGIN_ACCOUNT_MAX_FAILURES,
      loginWindowSeconds: c.LOGIN_WINDOW_SECONDS,
      registrations: c.REGISTER_MAX_PER_IP,
      registrationWindowSeconds: c.REGISTER_WINDOW_SECONDS,
      keyPrefix: c.RATE_LIMIT_KEY_PREFIX,
    }),
    { refreshTokenTtlDays: c.REFRESH_TOKEN_TTL_DAYS, refreshFamilyMaxDays: c.REFRESH_FAMILY_MAX_DAYS },
    systemClock,
    observer,
  );
  const users = new UserService(userRepository, observer);
  const searchLimiter = new RedisSearchLimiter(redis, {
    perSecond: c.SEARCH_RATE_PER_SECOND,
    burst: Math.max(c.SEARCH_BURST, c.SEARCH_RATE_PER_SECOND),
    keyPrefix: c.RATE_LIMIT_KEY_PREFIX,
  });
  return { logger, metrics, health: new HealthRegistry(), keys, dataSource, redis, nats, relayPool, relay, tokens, auth, users, searchLimiter };
}

/**
 * Readiness: PostgreSQL (writable: a read-only one is a replica mid-failover, and registrations,
 * logins and refreshes all write), Redis and NATS must all answer.
 */
export function registerReadiness(c: UserComponents): void {
  c.health.add('postgres', () => checkWritable(poolOf(c.dataSource)));
  c.health.add('redis', () => c.redis.ping());
  c.health.add('nats', () => c.nats.check());
}

/** Background work, started once the server listens. */
export function startWorkers(c: UserComponents): void {
  c.relay.start();
}

/** After the HTTP drain, in order: stop relaying, then close every client. */
export function closeHooks(c: UserComponents): ShutdownHook[] {
  return [
    { name: 'outbox relay', run: () => c.relay.stop() },
    { name: 'nats', run: () => c.nats.close() },
    { name: 'redis', run: () => c.redis.disconnect() },
    { name: 'relay pool', run: () => c.relayPool.end() },
    { name: 'postgres', run: () => (c.dataSource.isInitialized ? c.dataSource.destroy() : undefined) },
  ];
}
