import type { IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import {
  createGraphQLHandler,
  createLogger,
  createMetrics,
  createRedis,
  databaseUrl,
  ensureStream,
  type Logger,
  NatsLink,
  type RunningService,
  startService,
  ensureDatabase,
  withAdvisoryLock,
} from '@converge/runtime';
import type { DataSource } from 'typeorm';
import { USER_SUBJECTS, USERS_STREAM } from '@converge/protocol';
import { UserAppModule } from './app.module';
import type { UserConfig } from './config';
import { createDataSource, MIGRATION_LOCK } from './persistence/data-source';
import { AccessTokens, bearerToken } from './security/access-tokens';
import { loadKeySet } from './security/signing-keys';
import { buildUserSchema } from './transport/graphql/schema';
import type { GraphQLContext } from './transport/graphql/graphql.context';

export interface StartUserOptions {
  logger?: Logger;
  handleSignals?: boolean;
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

/** Builds every client, migrates, and starts the user service (main.ts and in-process tests). */
export async function startUserService(config: UserConfig, o: StartUserOptions = {}): Promise<RunningService> {
  const logger = o.logger ?? createLogger('user', config.LOG_LEVEL);
  const metrics = createMetrics('user');
  const url = databaseUrl(config);
  const keys = await loadKeySet(config.JWT_KEY_FILE, config.JWT_PREVIOUS_KEY_FILE);
  const dataSource = createDataSource(url, config.DATABASE_POOL_SIZE);
  await initializeCreatingDatabase(dataSource, url, logger);
  await withAdvisoryLock(url, MIGRATION_LOCK, () => dataSource.runMigrations({ transaction: 'each' }));
  const redis = createRedis(config);
  // Without an 'error' listener ioredis prints every failed reconnect to stderr. Log the transitions
  // only: login keeps working on the in-memory insurance limiter meanwhile, and readiness says so.
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
  const nats = new NatsLink(config.NATS_URL, 'converge-user', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), USERS_STREAM, Object.values(USER_SUBJECTS)),
  );
  const relayPool = new Pool({ connectionString: url, max: 2 });
  // An idle client dropped by the server (restart, failover) is reported here; without a listener the
  // pool's 'error' event would crash the process. The relay's next pass reconnects.
  relayPool.on('error', (err) => logger.warn({ err: err.message }, 'Outbox relay pool client failed'));
  const module = UserAppModule.forRoot({ config, logger, metrics, dataSource, redis, nats, relayPool, keys });

  return startService({
    module,
    config,
    logger,
    metrics,
    handleSignals: o.handleSignals ?? true,
    configure: async (app) => {
      const schema = await buildUserSchema({ get: (cls) => app.get(cls) });
      const tokens = app.get(AccessTokens);
      const context = (req: IncomingMessage): GraphQLContext => ({
        req,
        // Express's req.ip (honours TRUST_PROXY), so GraphQL and REST share the same rate-limit keys.
        ip: (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? 'unknown',
        caller: () => tokens.verify(bearerToken(req.headers.authorization)),
      });
      for (const endpoint of ['/graphql', '/user/graphql']) {
        const yoga = createGraphQLHandler({ schema, endpoint, context, logger });
        app.use(endpoint, yoga);
      }
    },
  });
}
