// Decorator metadata (Nest DI, type-graphql, TypeORM) needs the Reflect API before any decorated class loads.
import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { createGraphQLHandler, graphqlExposureOf, type RunningService, startService } from '@converge/runtime-nest';
import { UserAppModule } from './app.module';
import { closeHooks, registerReadiness, startWorkers, type UserComponents } from './components';
import type { UserConfig } from './config';
import { bearerToken } from './security/access-tokens';
import type { GraphQLContext } from './transport/graphql/graphql.context';
import { buildUserSchema } from './transport/graphql/schema';

export interface ApplicationOptions {
  /** Install SIGTERM/SIGINT handlers (off when a test runs the service in its own process). */
  handleSignals?: boolean;
}

const USER_GRAPHQL_PATHS = ['/graphql', '/user/graphql'];

/**
 * The user service's composition root: REST and GraphQL over the components, readiness, the
 * background relay, and the drain's ordered close hooks (the Nest app, then the relay, then clients).
 */
export async function createApplication(
  config: UserConfig,
  c: UserComponents,
  o: ApplicationOptions = {},
): Promise<RunningService> {
  registerReadiness(c);
  const svc = await startService({
    module: UserAppModule.forRoot(config, c),
    config,
    logger: c.logger,
    metrics: c.metrics,
    handleSignals: o.handleSignals ?? true,
    graphqlPaths: USER_GRAPHQL_PATHS,
    configure: async (app) => {
      const schema = await buildUserSchema({ get: (cls) => app.get(cls) });
      const context = (req: IncomingMessage): GraphQLContext => ({
        req,
        // Express's req.ip (honours TRUST_PROXY), so GraphQL and REST share the same rate-limit keys.
        ip: (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? 'unknown',
        caller: () => c.tokens.verify(bearerToken(req.headers.authorization)),
      });
      for (const endpoint of USER_GRAPHQL_PATHS) {
        app.use(endpoint, createGraphQLHandler({ schema, endpoint, context, logger: c.logger, metrics: c.metrics, ...graphqlExposureOf(config) }));
      }
    },
    closeResources: closeHooks(c),
  });
  startWorkers(c);
  return svc;
}
