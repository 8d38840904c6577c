import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { NatsLink } from './nats';
import { mustEvictConnection } from './pg-errors';
import { activeTraceparent, linkTo, outsideTrace, propagationHeaders, runInSpan, SpanKind, SpanStatusCode, startOwnSpan } from './trace-context';

/**
 * The outbox table, shared by every service's migrations: an event row commits in the same
 * transaction as the change it describes, and the relay publishes it afterwards.
 */
export const OUTBOX_TABLE_DDL = [
  `CREATE TABLE IF NOT EXISTS outbox (
    id bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    subject text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  )`,
  `CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
];

/**
 * The W3C traceparent of the change that wrote the event (null when traces are not exported): the
 * relay's publish span links to it. A later migration of each service adds it to OUTBOX_TABLE_DDL's table.
 */
export const OUTBOX_TRACEPARENT_DDL = `ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent text`;

export interface OutboxEvent {
  eventId: string;
  subject: string;
  payload: { eventId: string; occurredAt: string } & Record<string, unknown>;
  /** The trace of the change the event describes (activeTraceparent()), stored beside it, never in the payload. */
  traceparent: string | null;
}

/** Builds an event with a fresh id and timestamp around `body`, in the trace of the change that makes it. */
export function newOutboxEvent(subject: string, body: Record<string, unknown>, now = new Date()): OutboxEvent {
  const eventId = randomUUID();
  return { eventId, subject, payload: { eventId, occurredAt: now.toISOString(), ...body }, traceparent: activeTraceparent() };
}

/** The INSERT to run inside the caller's transaction (any driver that takes `$n` parameters). */
export function outboxInsert(e: OutboxEvent): [string, unknown[]] {
  return [
    'INSERT INTO outbox (event_id, subject, payload, traceparent) VALUES ($1, $2, $3, $4)',
    [e.eventId, e.subject, JSON.stringify(e.payload), e.traceparent],
  ];
}

interface OutboxRow {
  id: string;
  event_id: string;
  subject: string;
  /** As PostgreSQL's text, published as is. */
  payload: string;
  traceparent: string | null;
}

const UUID_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subject with its ids as `*` (`chat.message.created.*`): span names stay few, the full subject is an attribute. */
export function subjectTemplate(subject: string): string {
  return subject
    .split('.')
    .map((t) => (UUID_TOKEN.test(t) ? '*' : t))
    .join('.');
}

/**
 * One row to JetStream. While traces are exported, in a PRODUCER span of a trace of its own (the
 * relay runs later, in no request's context) linked to the change's span; the message carries the
 * publish span's traceparent header, so a consumer can continue the chain.
 */
async function publishRow(js: NonNullable<ReturnType<NatsLink['jetstream']>>, row: OutboxRow, logger: Logger): Promise<void> {
  const link = linkTo(row.traceparent);
  const template = subjectTemplate(row.subject);
  const span = startOwnSpan(`publish ${template}`, {
    kind: SpanKind.PRODUCER,
    root: true,
    links: link ? [link] : [],
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': row.subject,
      'messaging.destination.template': template,
      'messaging.message.id': row.event_id,
    },
  });
  if (!span) {
    await js.publish(row.subject, row.payload, { msgID: row.event_id, timeout: 2000 });
    return;
  }
  try {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(propagationHeaders(span))) h.set(k, v);
    await js.publish(row.subject, row.payload, { msgID: row.event_id, timeout: 2000, headers: h });
    // In the span's context, so the line carries the relay trace's id; the send's is the link's.
    runInSpan(span, () => logger.debug({ subject: row.subject, eventId: row.event_id, linkedTraceId: link?.context.traceId }, 'Outbox event published'));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** The longest a relay scans from its floor before it scans the whole outbox again (see OutboxRelay.floor). */
const FULL_SCAN_MS = 1000;

export interface OutboxRelayOptions {
  pool: Pool;
  nats: NatsLink;
  logger: Logger;
  batchSize?: number;
  idleMs?: number;
  /**
   * After a pass that found fewer rows than a batch, the next waits this long (kicks included), so
   * that under a steady trickle each pass carries many events instead of one: PostgreSQL pays one
   * claim, one delete and one commit per pass. Events reach JetStream up to this much later.
   */
  paceMs?: number;
  /** Rows marked published (by relays before published rows were deleted at once) older than this are deleted. */
  retainMs?: number;
}

/**
 * Publishes outbox rows to JetStream in id order, a batch at a time (publishes pipelined), and
 * deletes what was published. Rows are claimed with SKIP LOCKED so several pods relay without
 * double work; a crash between publish and delete re-sends, which JetStream's Nats-Msg-Id dedup and
 * consumers' eventId checks absorb.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastCleanup = 0;
  /** No pass before this (ms since the epoch): the pace after a partial batch. */
  private notBefore = 0;
  /**
   * Where the next pass starts scanning: the highest id this relay published, while every row of
   * its passes since the last full scan was published. Published rows are deleted, and until vacuum
   * their dead entries stay at the head of the index, which a scan from the start walks on every
   * pass (tens of thousands of them a minute under load). A row below the floor that is still there
   * (claimed by another pod's relay that then failed, or committed after a higher id was published)
   * is found by the full scan that runs at least every FULL_SCAN_MS, so it is late, never lost.
   */
  private floor = '0';
  private lastFullScan = 0;

  constructor(private readonly o: OutboxRelayOptions) {
    // An idle pooled connection that dies (PostgreSQL restart or failover) emits 'error' on the pool;
    // unhandled, that would crash the process. The next pass reconnects.
    o.pool.on('error', (err) => o.logger.warn({ err: err.message }, 'Outbox relay connection lost'));
  }

  private get batchSize(): number {
    return this.o.batchSize ?? 256;
  }

  start(): void {
    this.schedule(0);
  }

  /** Asks for a pass soon, e.g. right after a transaction that wrote events committed. */
  kick(): void {
    if (!this.running && !this.stopped) this.schedule(Math.max(0, this.notBefore - Date.now()));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // A kick comes from inside a request's or socket event's trace; a timer keeps the context it was
    // armed in, and every pass after it would run (and log, and query) in that trace.
    this.timer = outsideTrace(() => setTimeout(() => {
      this.running = this.pass()
        .then((n) => {
          // A full batch: more are waiting, go on at once. A partial one: gather for the pace.
          const pace = n > 0 && n < this.batchSize ? (this.o.paceMs ?? 10) : 0;
          this.notBefore = Date.now() + pace;
          this.schedule(n === 0 ? (this.o.idleMs ?? 250) : pace);
        })
        .catch((err: unknown) => {
          this.o.logger.warn({ err: (err as Error).message }, 'Outbox relay pass failed');
          this.schedule(1000);
        })
        .finally(() => (this.running = undefined));
    }, ms));
    this.timer.unref();
  }

  /** One batch: returns how many events were published. */
  async pass(): Promise<number> {
    const js = this.o.nats.jetstream();
    if (!js) return 0;
    const client = await this.o.pool.connect();
    let published = 0;
    // A pass that failed on a dead or read-only connection (a failover) must not hand it back.
    let evict: Error | undefined;
    try {
      // Asynchronous commit: what this transaction commits is the deletion of published rows, and
      // losing that in a crash only re-sends them (deduplicated as above). It spares PostgreSQL a WAL
      // flush per pass, a cost of the same order as a send's own commit (measured in make bench: the
      // relay's passes were a quarter of the commits at half load); the WAL writer flushes it soon after.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      // The payload as the text PostgreSQL stores, published as is: no parse and re-stringify per event.
      const full = Date.now() - this.lastFullScan >= FULL_SCAN_MS;
      if (full) this.lastFullScan = Date.now();
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, event_id, subject, payload::text AS payload, traceparent FROM outbox WHERE published_at IS NULL AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [this.batchSize, full ? '0' : this.floor],
      );
      // Pipelined: every publish of the batch is in flight at once on the one connection (so the
      // stream stores them in id order) and their acks are awaited together. A failed publish stays
      // in the outbox for the next pass; the ones after it that did land are not sent again, so
      // after a failure an event can land after later ones (consumers order by seq, dedup by eventId).
      // Each publish is in its own PRODUCER span (when traces are exported), open until its ack.
      const results = await Promise.allSettled(rows.map((row) => publishRow(js, row, this.o.logger)));
      const done = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((row) => row.id);
      // Published rows are deleted, in one statement: nothing is kept that a pass must skip later.
      if (done.length) await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
      await client.query('COMMIT');
      published = done.length;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // A failed row stays below any floor past it: start from the head again.
      this.floor = failed ? '0' : (rows.at(-1)?.id ?? this.floor);
      if (failed) throw failed.reason;
      if (Date.now() - this.lastCleanup > 60_000) {
        this.lastCleanup = Date.now();
        await client.query(`DELETE FROM outbox WHERE published_at < now() - ($1 || ' milliseconds')::interval`, [
          String(this.o.retainMs ?? 86_400_000),
        ]);
      }
    } catch (err) {
      if (mustEvictConnection(err)) evict = err as Error;
      await client.query('ROLLBACK').catch((e: unknown) => (evict ??= e as Error));
      throw err;
    } finally {
      client.release(evict);
    }
    if (published) this.o.logger.debug({ published }, 'Outbox events published');
    return published;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
