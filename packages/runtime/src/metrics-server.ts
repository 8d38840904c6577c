import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';
import { metricsHandler } from './health';

export interface MetricsServer {
  server: Server;
  /** `http://host:port`, for logs and tests. */
  url: string;
  close(): Promise<void>;
}

/**
 * /metrics on its own listener (METRICS_PORT), never on the public port: a scrape reveals routes,
 * request rates and process internals, and an Ingress that routes the app's port must not expose it.
 * Anything but GET/HEAD /metrics here is 404.
 */
export async function startMetricsServer(
  metrics: Metrics,
  opts: { host: string; port: number },
): Promise<MetricsServer> {
  const scrape = metricsHandler(metrics);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      res.setHeader('cache-control', 'no-store');
      res.setHeader('x-content-type-options', 'nosniff');
      scrape(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
  });
  // Prometheus keeps connections alive between scrapes; they must not hold a drain's close open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
