import type { ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

// Every series here is documented in docs/METRICS.md, the one table the alert rules and the
// dashboards (observability/) are written against: a rename there and here goes together.

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests refused with a contract error code, by transport (http, graphql, socket) and code. */
  rejected: Counter<'transport' | 'code'>;
  /** GraphQL operations by type, root field (schema-bounded, never the client's operation name) and outcome. */
  graphqlOperations: Counter<'type' | 'field' | 'outcome'>;
}

/** One registry per process: default process metrics, the HTTP histogram and the shared counters. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rejected = new Counter({
    name: 'converge_requests_rejected_total',
    help: 'Requests answered with a contract error, by transport (http, graphql, socket) and error code',
    labelNames: ['transport', 'code'] as const,
    registers,
  });
  const graphqlOperations = new Counter({
    name: 'converge_graphql_operations_total',
    help: 'GraphQL operations by type, first root field and outcome (ok or the first error code)',
    labelNames: ['type', 'field', 'outcome'] as const,
    registers,
  });
  return { registry, httpDuration, rejected, graphqlOperations };
}

/** An error code is a label only when it looks like one of the contract's codes (bounded), else `error`. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z_]{1,40}$/.test(code) ? code : 'error';
}

const errorCodes = new WeakMap<ServerResponse, string>();

/** Notes the contract code an HTTP error answer carried, for the request observer to count. */
export function noteErrorCode(res: ServerResponse, code: string): void {
  errorCodes.set(res, code);
}

/** The code noted for this answer, or its status when the error came from outside the contract. */
export function errorCodeOf(res: ServerResponse): string {
  return codeLabel(errorCodes.get(res) ?? `HTTP_${res.statusCode}`);
}

/** What a pool gauge reads: node-postgres's Pool has these three counters. */
export interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * `db_pool_clients{pool,state}`: clients in use and idle, and queries waiting for a client, read at
 * scrape time. Waiting above zero for long means the pool is saturated (DATABASE_POOL_SIZE).
 */
export function observePools(m: Metrics, pools: Record<string, PoolCounts>): void {
  new Gauge({
    name: 'db_pool_clients',
    help: 'PostgreSQL pool clients by pool and state (in_use, idle, waiting = queries queued for a client)',
    labelNames: ['pool', 'state'] as const,
    registers: [m.registry],
    collect() {
      for (const [pool, p] of Object.entries(pools)) {
        this.set({ pool, state: 'in_use' }, p.totalCount - p.idleCount);
        this.set({ pool, state: 'idle' }, p.idleCount);
        this.set({ pool, state: 'waiting' }, p.waitingCount);
      }
    },
  });
}

/**
 * `outbox_pending_events` and `outbox_lag_seconds` (age of the oldest unpublished event, 0 when none
 * waits): events committed but not yet on NATS. Read at scrape time; PostgreSQL down keeps the last value.
 */
export function observeOutbox(m: Metrics, pool: Pool): void {
  const registers = [m.registry];
  const pending = new Gauge({ name: 'outbox_pending_events', help: 'Outbox events not yet published to NATS', registers });
  new Gauge({
    name: 'outbox_lag_seconds',
    help: 'Age of the oldest outbox event not yet published to NATS (0 when none waits)',
    registers,
    async collect() {
      try {
        const r = await pool.query<{ age: number | null; n: number }>(
          'SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age, count(*)::int AS n FROM outbox WHERE published_at IS NULL',
        );
        this.set(r.rows[0]?.age ?? 0);
        pending.set(r.rows[0]?.n ?? 0);
      } catch {
        // PostgreSQL down: readiness reports it; keep the last value.
      }
    },
  });
}

/** Reads a durable consumer's backlog: messages not yet delivered and delivered but not acked. */
export type ConsumerBacklog = () => Promise<{ pending: number; ackPending: number } | undefined>;

/**
 * `jetstream_consumer_pending{stream,consumer,state}`: the consumer's lag (not yet delivered) and
 * what it holds unacked, asked of JetStream at scrape time; NATS down keeps the last value.
 */
export function observeConsumer(m: Metrics, stream: string, consumer: string, read: ConsumerBacklog): void {
  new Gauge({
    name: 'jetstream_consumer_pending',
    help: 'JetStream durable consumer backlog: state=pending (not yet delivered) or ack_pending (delivered, not acked)',
    labelNames: ['stream', 'consumer', 'state'] as const,
    registers: [m.registry],
    async collect() {
      try {
        const b = await read();
        if (!b) return;
        this.set({ stream, consumer, state: 'pending' }, b.pending);
        this.set({ stream, consumer, state: 'ack_pending' }, b.ackPending);
      } catch {
        // NATS down or the consumer not made yet: keep the last value.
      }
    },
  });
}
