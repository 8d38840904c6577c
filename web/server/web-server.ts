// The web tier: the SPA's production build with SPA fallback, the API paths proxied to the services,
// probes, metrics (on METRICS_PORT), JSON logs and a graceful drain. Plain express + http-proxy: no framework needed.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  Counter,
  createMetrics,
  Gauge,
  hstsHeader,
  installGracefulShutdown,
  type Logger,
  requestObserver,
  startMetricsServer,
  trustProxySetting,
} from '@converge/runtime';
import type { WebConfig } from './config';
import { createApiProxy, upstreamFor } from './proxy';

export interface RunningWeb {
  server: Server;
  url: string;
  /** The metrics listener's base URL (METRICS_PORT): `${metricsUrl}/metrics`. */
  metricsUrl: string;
  stop(): Promise<void>;
}

/**
 * Security headers for the app's own documents and assets. The CSP is the second line against XSS
 * (the first: messages are rendered as text): only our own scripts and styles run, connections go
 * to our own origin (the proxied API and WebSocket), nothing may frame the app.
 */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  next();
}

export async function startWebServer(
  config: WebConfig,
  opts: { logger: Logger; handleSignals?: boolean },
): Promise<RunningWeb> {
  const { logger } = opts;
  const metrics = createMetrics('web');
  const proxyErrors = new Counter({
    name: 'web_proxy_errors_total',
    help: 'Proxied requests that found their upstream unavailable',
    labelNames: ['upstream'] as const,
    registers: [metrics.registry],
  });
  const indexFile = join(config.STATIC_DIR, 'index.html');
  if (!existsSync(indexFile)) logger.warn({ dir: config.STATIC_DIR }, 'No web build found; run npm run build -w @converge/web');

  const api = createApiProxy(
    { user: config.USER_SERVICE_URL, chat: config.CHAT_SERVICE_URL },
    logger,
    (upstream) => proxyErrors.inc({ upstream }),
  );
  new Gauge({
    name: 'web_websocket_tunnels',
    help: 'Open WebSocket tunnels to the chat service',
    registers: [metrics.registry],
    collect() {
      this.set(api.tunnels.size);
    },
  });

  let draining = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(requestObserver(logger, metrics));
  const hsts = hstsHeader(config.HSTS_MAX_AGE_SECONDS);
  if (hsts) {
    app.use((_req, res, next) => {
      res.setHeader('strict-transport-security', hsts);
      next();
    });
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when the build is there and we are not draining. The services have their own probes: the
  // web tier stays ready while one is down, so the app can show its own "reconnecting" state.
  app.get('/readyz', (_req, res) => {
    const build = existsSync(indexFile);
    if (draining || !build) {
      res.status(503).json({ status: 'error', draining, build });
      return;
    }
    res.json({ status: 'ok' });
  });

  // /metrics answers on METRICS_PORT only; here it would otherwise fall back to the SPA's page.
  app.all('/metrics{/*rest}', (_req, res) => {
    res.status(404).end();
  });

  // Named routes (not one catch-all) so request logs and metrics say which upstream served a call.
  for (const upstream of ['user', 'chat'] as const) {
    const prefixes = ['/auth', '/users', '/.well-known', '/user/graphql', '/rooms', '/socket.io', '/graphql', '/chat/graphql'].filter(
      (p) => upstreamFor(p) === upstream,
    );
    for (const prefix of prefixes) {
      app.all(`${prefix}{/*rest}`, (req, res) => api.web(req, res, upstream));
    }
  }

  app.use(securityHeaders);
  // Hashed assets never change; index.html must always be revalidated so a deploy takes effect.
  app.use(
    '/assets',
    express.static(join(config.STATIC_DIR, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }),
  );
  app.use(express.static(config.STATIC_DIR, { index: false, maxAge: '1h' }));
  // A missing hashed asset (an old page after a deploy) is a plain 404, not an error to log.
  app.use('/assets', (err: { status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.status === 404) res.status(404).end();
    else next(err);
  });
  app.get('/{*path}', (req, res) => {
    // SPA fallback: client-side routes get the app; a missing file that is not a page stays 404.
    if (!req.accepts('html')) {
      res.status(404).end();
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(indexFile, (err) => {
      if (err && !res.headersSent) res.status(503).type('text').send('The web build is missing');
    });
  });

  const server = createServer(app);
  server.on('upgrade', (req, socket, head) => api.upgrade(req, socket, head));
  // Socket.IO sends pings every 25 s; proxied long requests must not be cut by the default timeouts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  const metricsServer = await startMetricsServer(metrics, { host: config.HOST, port: config.METRICS_PORT });
  logger.info(
    { url, metricsUrl: metricsServer.url, userService: config.USER_SERVICE_URL ?? null, chatService: config.CHAT_SERVICE_URL ?? null, staticDir: config.STATIC_DIR },
    'Listening',
  );

  const handleSignals = opts.handleSignals ?? true;
  const shutdown = installGracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    handleSignals,
    onDrainStart: () => {
      draining = true;
    },
    // Tunnelled WebSockets would hold close() open forever: end them; the clients reconnect to
    // another web pod and resync.
    closeConnections: [
      {
        name: 'websocket-tunnels',
        run: () => {
          for (const s of api.tunnels) s.destroy();
        },
      },
    ],
    closeResources: [{ name: 'metrics', run: () => metricsServer.close() }],
    exit: handleSignals ? undefined : () => undefined,
  });
  return { server, url, metricsUrl: metricsServer.url, stop: () => shutdown.drain('stop') };
}
