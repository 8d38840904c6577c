import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { errorCodeOf, type Metrics } from './metrics';

/** Paths probed every few seconds; logging each would drown the useful lines. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A request as routers leave it: express (and Nest on it) add the matched route, the mount path and
 * the path; plain node:http has only the URL. Typed here so the core needs no router's types.
 */
export type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; path?: string };

function pathOf(req: RoutedRequest): string {
  return req.path ?? (req.url ?? '/').split('?')[0] ?? '/';
}

/**
 * The route template (`/rooms/:id`), never the raw path, so metric labels stay few and ids stay out.
 * Unmatched paths collapse to one label.
 */
export function routeLabel(req: RoutedRequest): string {
  const route = req.route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  // A handler mounted with app.use(path, handler) that answered itself (GraphQL): its mount path.
  if (req.baseUrl) return req.baseUrl;
  const path = pathOf(req);
  if (QUIET_PATHS.has(path)) return path;
  return 'unmatched';
}

/**
 * Writes one JSON log line and one histogram observation per request, when the response ends, and
 * counts a 4xx answer by its contract code (noted by the error handlers, noteErrorCode).
 */
export function requestObserver(logger: Logger, metrics: Metrics) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const start = process.hrtime.bigint();
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? randomUUID().replaceAll('-', '');
    res.setHeader('x-trace-id', traceId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeLabel(req);
      const method = req.method ?? 'GET';
      metrics.httpDuration.observe({ method, route, status: String(res.statusCode) }, seconds);
      // GraphQL answers its own refusals (counted by operation, transport graphql); 5xx are failures, not refusals.
      if (res.statusCode >= 400 && res.statusCode < 500 && !route.endsWith('graphql')) {
        metrics.rejected.inc({ transport: 'http', code: errorCodeOf(res) });
      }
      if (QUIET_PATHS.has(pathOf(req)) && res.statusCode < 400) return;
      const fields = {
        method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        traceId,
      };
      if (res.statusCode >= 500) logger.error(fields, 'Request failed');
      else logger.info(fields, 'Request');
    });
    next();
  };
}
