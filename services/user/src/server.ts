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
  withAdvisoryLock,
} from '@converge/runtime';
import { USER_SUBJECTS, USERS_STREAM } from '@converge/protocol';
import { userAppModule } from './app.module';
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

/** Builds every client, migrates, and starts the user service (main.ts and in-process tests). */
export async function startUserService(config: UserConfig, o: StartUserOptions = {}): Promise<RunningService> {
  const logger = o.logger ?? createLogger('user', config.LOG_LEVEL);
  const metrics = createMetrics('user');
  const url = databaseUrl(config);
  const keys = await loadKeySet(config.JWT_KEY_FILE, config.JWT_PREVIOUS_KEY_FILE);
  const dataSource = createDataSource(url, config.DATABASE_POOL_SIZE);
  await dataSource.initialize();
  await withAdvisoryLock(url, MIGRATION_LOCK, () => dataSource.runMigrations({ transaction: 'each' }));
  const redis = createRedis(config);
  const nats = new NatsLink(config.NATS_URL, 'converge-user', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), USERS_STREAM, Object.values(USER_SUBJECTS)),
  );
  const relayPool = new Pool({ connectionString: url, max: 2 });
  const module = userAppModule({ config, logger, metrics, dataSource, redis, nats, relayPool, keys });

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
        ip: req.socket.remoteAddress ?? 'unknown',
        caller: () => tokens.verify(bearerToken(req.headers.authorization)),
      });
      for (const endpoint of ['/graphql', '/user/graphql']) {
        const yoga = createGraphQLHandler({ schema, endpoint, context, logger });
        app.use(endpoint, yoga);
      }
    },
  });
}
