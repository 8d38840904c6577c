import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  type BaseConfig,
  HealthRegistry,
  hstsHeader,
  type HttpExposureConfig,
  installGracefulShutdown,
  type Logger,
  type Metrics,
  requestObserver,
  startMetricsServer,
  type ShutdownHook,
  trustProxySetting,
} from '@converge/runtime';
import { cappedBodyParsers } from './body-limit';
import { corsForOrigins } from './cors';
import { ContractExceptionFilter, expressErrorHandler } from './error-handlers';
import { NestPinoLogger } from './nest-logger';

export interface StartOptions {
  module: DynamicModule;
  /** With the service's HTTP exposure (CORS_ORIGINS, GRAPHQL_MAX_BODY_BYTES) when it has GraphQL. */
  config: BaseConfig & Partial<Pick<HttpExposureConfig, 'CORS_ORIGINS' | 'GRAPHQL_MAX_BODY_BYTES'>>;
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted body of any content type; larger ones get 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: string;
  /** The GraphQL endpoints: their bodies, of every content type alike, are capped at GRAPHQL_MAX_BODY_BYTES. */
  graphqlPaths?: readonly string[];
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
  /** The metrics listener's base URL (METRICS_PORT): `${metricsUrl}/metrics`. */
  metricsUrl: string;
  /** Starts the same drain a SIGTERM does, without exiting the process (for tests). */
  stop: () => Promise<void>;
}

/**
 * Every answer of a service is API data, often per user: no cache (browser, proxy or CDN) may keep
 * it, and no browser may sniff a JSON body into HTML.
 */
function apiResponseHeaders(config: BaseConfig) {
  const hsts = hstsHeader(config.HSTS_MAX_AGE_SECONDS);
  return (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    if (hsts) res.setHeader('strict-transport-security', hsts);
    next();
  };
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
  app.use(apiResponseHeaders(opts.config));
  // Cross-origin only for CORS_ORIGINS (none: same-origin only).
  app.use(corsForOrigins(opts.config.CORS_ORIGINS ?? []));
  const graphqlLimit = opts.config.GRAPHQL_MAX_BODY_BYTES;
  const perPath = opts.graphqlPaths && graphqlLimit ? [{ paths: opts.graphqlPaths, limit: graphqlLimit }] : [];
  app.use(cappedBodyParsers(opts.bodyLimit ?? '64kb', perPath));
  app.use(expressErrorHandler(opts.logger));
  app.useGlobalFilters(new ContractExceptionFilter(opts.logger));
  const server = app.getHttpServer() as Server;
  await opts.configure?.(app, server);
  await app.listen(opts.config.PORT, opts.config.HOST);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.config.HOST === '0.0.0.0' ? '127.0.0.1' : opts.config.HOST}:${port}`;
  // After the app listens, so a port clash of the app fails first; closed last in the drain, so the
  // drain itself can still be scraped.
  const metricsServer = await startMetricsServer(opts.metrics, { host: opts.config.HOST, port: opts.config.METRICS_PORT });
  opts.logger.info({ url, metricsUrl: metricsServer.url }, 'Listening');

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
    closeResources: [
      { name: 'app', run: () => app.close() },
      ...(opts.closeResources ?? []),
      { name: 'metrics', run: () => metricsServer.close() },
    ],
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
    metricsUrl: metricsServer.url,
    stop: async () => {
      await shutdown.drain('stop');
      if (exitCode && exitCode !== 0) throw new Error(`drain ended with code ${exitCode}`);
    },
  };
}
