import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { Logger } from 'pino';
import type { BaseConfig } from './config';
import { HealthRegistry } from './health';
import { ContractExceptionFilter, expressErrorHandler } from './http-errors';
import { NestPinoLogger } from './logger';
import type { Metrics } from './metrics';
import { requestObserver } from './request-observer';
import { installGracefulShutdown, type ShutdownHook } from './shutdown';

export interface StartOptions {
  module: DynamicModule;
  config: BaseConfig;
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted JSON body; larger ones get 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: string;
  /** Install SIGTERM/SIGINT handlers (off in in-process tests). */
  handleSignals?: boolean;
  /** Called after the app is created and before it listens: mount extra servers (GraphQL, Socket.IO). */
  configure?: (app: NestExpressApplication, server: Server) => Promise<void> | void;
  /** Long-lived connections to end during a drain, before pools close (e.g. Socket.IO). */
  closeConnections?: (app: INestApplication) => ShutdownHook[];
}

export interface RunningService {
  app: NestExpressApplication;
  server: Server;
  url: string;
  /** Starts the same drain a SIGTERM does, without exiting the process (for tests). */
  stop: () => Promise<void>;
}

/** Express's `trust proxy`: a hop count, true/false, or a list of addresses and subnets. */
export function trustProxySetting(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
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
  app.use(express.json({ limit: opts.bodyLimit ?? '64kb', strict: true }));
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
    closeConnections: opts.closeConnections?.(app) ?? [],
    closeResources: [{ name: 'app', run: () => app.close() }],
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
