import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics';

export type DependencyCheck = () => Promise<unknown>;

/** How long a dependency may take to answer a readiness probe before it counts as down. */
export const CHECK_TIMEOUT_MS = 2000;

/** One part of a probe report, as Kubernetes tooling and @nestjs/terminus write it. */
export type ProbeEntry = { status: 'up' | 'down'; message?: string } & Record<string, unknown>;

/** The body of /healthz and /readyz: the shape @nestjs/terminus gives, so every process answers alike. */
export interface ProbeReport {
  status: 'ok' | 'error';
  info?: Record<string, ProbeEntry>;
  error: Record<string, ProbeEntry>;
  details?: Record<string, ProbeEntry>;
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Runs one check within the probe timeout; resolves to "up" or "down" with the failure's message. */
export async function runCheck(check: DependencyCheck, timeoutMs = CHECK_TIMEOUT_MS): Promise<ProbeEntry> {
  try {
    await withTimeout(check(), timeoutMs);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', message: e instanceof Error ? e.message : String(e) };
  }
}

/** The answer while draining: readiness fails at once, before any dependency is asked. */
export const DRAINING_REPORT: ProbeReport = {
  status: 'error',
  error: { shutdown: { status: 'down', message: 'draining' } },
};

/** Process state that readiness reports: dependencies registered at start-up, and whether we drain. */
export class HealthRegistry {
  private readonly checks = new Map<string, DependencyCheck>();
  draining = false;

  add(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, DependencyCheck][] {
    return [...this.checks.entries()];
  }

  /** Liveness: the process answers. Dependencies are not checked, so an outage never restarts pods. */
  liveness(): ProbeReport {
    const process_ = { process: { status: 'up' as const, pid: process.pid } };
    return { status: 'ok', info: process_, error: {}, details: process_ };
  }

  /** Readiness: every dependency answers and we are not draining; the report names the failing part. */
  async readiness(): Promise<ProbeReport> {
    if (this.draining) return DRAINING_REPORT;
    const results = await Promise.all(this.entries().map(async ([name, check]) => [name, await runCheck(check)] as const));
    const info: Record<string, ProbeEntry> = {};
    const error: Record<string, ProbeEntry> = {};
    for (const [name, entry] of results) (entry.status === 'up' ? info : error)[name] = entry;
    return { status: Object.keys(error).length ? 'error' : 'ok', info, error, details: Object.fromEntries(results) };
  }
}

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The Prometheus scrape on node:http types; served only by the metrics listener (metrics-server.ts). */
export function metricsHandler(metrics: Metrics): PlainHandler {
  return (_req, res) => {
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  };
}

/** Probe handlers on node:http types, so plain http, express and Nest can mount them. */
export function probeHandlers(registry: HealthRegistry): { healthz: PlainHandler; readyz: PlainHandler } {
  return {
    healthz: (_req, res) => sendJson(res, 200, registry.liveness()),
    readyz: (_req, res) => {
      registry.readiness().then(
        (r) => sendJson(res, r.status === 'ok' ? 200 : 503, r),
        (e: unknown) => sendJson(res, 503, { status: 'error', error: { readiness: { status: 'down', message: String(e) } } }),
      );
    },
  };
}

/**
 * A `(req, res, next)` middleware answering GET /healthz and /readyz, passing anything else on.
 * /metrics is not among them: it lives on the metrics port (startMetricsServer), never the public one.
 */
export function probeMiddleware(registry: HealthRegistry) {
  const h = probeHandlers(registry);
  const routes: Record<string, PlainHandler> = { '/healthz': h.healthz, '/readyz': h.readyz };
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const handler = req.method === 'GET' || req.method === 'HEAD' ? routes[(req.url ?? '/').split('?')[0] ?? '/'] : undefined;
    if (handler) handler(req, res);
    else next();
  };
}
