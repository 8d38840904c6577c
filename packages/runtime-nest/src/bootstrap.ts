import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  type BaseConfig,
  HealthRegistry,
  installGracefulShutdown,
  type Logger,
  type Metrics,
  requestObserver,
  type ShutdownHook,
  trustProxySetting,
} from '@converge/runtime';
import { cappedBodyParsers, type PathBodyLimit } from './body-limit';
import { corsForOrigins } from './cors';
import { ContractExceptionFilter, expressErrorHandler } from './error-handlers';
import { NestPinoLogger } from './nest-logger';

export interface StartOptions {
  module: DynamicModule;
  config: BaseConfig;
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted body of any content type; larger ones get 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: string;
  /** Other caps for some paths (GraphQL's), for every content type alike. */
  pathBodyLimits?: readonly PathBodyLimit[];
  /** Origins allowed cross-origin (CORS_ORIGINS); none: same-origin only. */
  corsOrigins?: readonly string[];
  /** Install SIGTERM/SIGINT handlers (off in in-process tests). */
  handleSignals?: boolean;
  /** Called after the app is created and before it listens: mount extra servers (GraphQL, Socket.IO). */
  configure?: (app: NestExpressApplication, server: Server) => Promise<void> | void;
  /**
   * Long-lived connections to end during a drain, in this order, once the listener is closed and
   * while plain requests finish (e.g. Socket.IO, then graphql-ws).
   */
  closeConnections?: ShutdownHook[];
  /**
   * Run in this order after every HTTP request finished and the Nest app closed: background workers
   * first, then clients and pools. One failing hook is logged and does not skip the rest.
   */
  closeResources?: ShutdownHook[];
}

export interface RunningService {
  app: NestExpressApplication;
  server: Server;
  url: string;
  /** Starts the same drain a SIGTERM does, without exiting the process (for tests). */
  stop: () => Promise<void>;
}

/** Creates, wires and starts a service: JSON logs, metrics, contract errors, probes and graceful drain. */
export async function startService(opts: StartOptions): Promise<RunningService> {
  const app = await NestFactory.create<NestExpressApplication>(opts.module, {
    logger: new NestPinoLogger(opts.logger),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(opts.config.TRUST_PROXY));
  app.use(requestObserver(opts.logger, opts.metrics));
  app.use(corsForOrigins(opts.corsOrigins ?? []));
  app.use(cappedBodyParsers(opts.bodyLimit ?? '64kb', opts.pathBodyLimits));
  app.use(expressErrorHandler(opts.logger));
  app.useGlobalFilters(new ContractExceptionFilter(opts.logger));
  const server = app.getHttpServer() as Server;
  await opts.configure?.(app, server);
  await app.listen(opts.config.PORT, opts.config.HOST);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.config.HOST === '0.0.0.0' ? '127.0.0.1' : opts.config.HOST}:${port}`;
  opts.logger.info({ url }, 'Listening');

  const registry = app.get(HealthRegistry);
  let exitCode: number | undefined;
  const handleSignals = opts.handleSignals ?? true;
  const shutdown = installGracefulShutdown({
    server,
    logger: opts.logger,
    timeoutMs: opts.config.SHUTDOWN_TIMEOUT_MS,
    handleSignals,
    onDrainStart: () => {
      registry.draining = true;
    },
    closeConnections: opts.closeConnections ?? [],
    closeResources: [{ name: 'app', run: () => app.close() }, ...(opts.closeResources ?? [])],
    exit: handleSignals
      ? undefined
      : (code) => {
          exitCode = code;
        },
  });
  return {
    app,
    server,
    url,
    stop: async () => {
      await shutdown.drain('stop');
      if (exitCode && exitCode !== 0) throw new Error(`drain ended with code ${exitCode}`);
    },
  };
}
