import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/** Paths probed every few seconds; logging each would drown the useful lines. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The route template (`/rooms/:id`), never the raw path, so metric labels stay few and ids stay out.
 * Unmatched paths collapse to one label.
 */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  // A handler mounted with app.use(path, handler) that answered itself (GraphQL): its mount path.
  if (req.baseUrl) return req.baseUrl;
  if (QUIET_PATHS.has(req.path)) return req.path;
  return 'unmatched';
}

/** Writes one JSON log line and one histogram observation per request, when the response ends. */
export function requestObserver(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? randomUUID().replaceAll('-', '');
    res.setHeader('x-trace-id', traceId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeLabel(req);
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (QUIET_PATHS.has(req.path) && res.statusCode < 400) return;
      const fields = {
        method: req.method,
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
