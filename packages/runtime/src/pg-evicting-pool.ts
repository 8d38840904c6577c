// node-postgres pools that ride out a PostgreSQL failover. pg-pool already drops a client whose
// socket died, but not one that is still connected to the wrong server (a write answered 25006 by a
// replica or a fenced old primary), nor one whose query timed out client-side while its statement may
// still be running. Each client here remembers the first error after which it must not be reused, and
// the pool hands that error to `release`, so every caller (our transactions, pool.query, TypeORM's
// query runners) evicts it without having to know.
import pg from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { mustEvictConnection } from './pg-errors';

/**
 * Connection settings for pools that serve requests. Comments give the failure each one bounds.
 * Not for migrations: a long DDL statement must not be cut by a timeout meant for chat traffic.
 */
export const PG_SERVING_DEFAULTS = {
  // A connect to a dead pod's address (or a Service with no ready endpoint) fails in 3 s, not at the
  // kernel's TCP timeout; a request waiting for a free pool slot gives up at the same time.
  connectionTimeoutMillis: 3000,
  // A half-open connection to a pod that vanished is noticed by TCP keepalive even while idle.
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  // Client side: a statement whose answer never comes (the server is gone without a FIN) fails, and
  // its connection is evicted, instead of holding a pool slot until keepalive gives up (minutes).
  query_timeout: 15_000,
  // Server side: a statement stuck behind a lock is cancelled before the client stops waiting, and a
  // session whose client vanished mid-transaction releases its locks (a room's seq lock among them).
  statement_timeout: 10_000,
  idle_in_transaction_session_timeout: 30_000,
} satisfies PoolConfig;

type QueryFn = (...args: unknown[]) => unknown;
const baseQuery = pg.Client.prototype.query as unknown as QueryFn;

/** A pg Client that records the first error after which its connection must be destroyed. */
export class EvictingClient extends pg.Client {
  /** Why this connection must not go back to the pool, once a query or the socket said so. */
  evictFor: Error | undefined;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // pg-pool listens for 'error' only while a client is idle. A checked-out client whose server dies
    // between two statements (a transaction awaiting other work, the outbox relay awaiting NATS)
    // emits 'error' with nobody listening, which would crash the process. Recorded here instead; the
    // next query fails with "not queryable" and the release evicts the client.
    this.on('error', (e: Error) => {
      this.evictFor ??= e;
    });
  }

  private note(e: unknown): void {
    if (!this.evictFor && mustEvictConnection(e)) this.evictFor = e as Error;
  }

  // Every form of query goes through here: promise (ours, TypeORM's), callback (pool.query) and
  // submittables (which report through their own events and are left alone).
  override query(...args: unknown[]): never {
    const cb = args[args.length - 1];
    if (typeof cb === 'function') {
      args[args.length - 1] = (err: unknown, res: unknown) => {
        if (err) this.note(err);
        (cb as (e: unknown, r: unknown) => void)(err, res);
      };
      return baseQuery.apply(this, args) as never;
    }
    const r = baseQuery.apply(this, args);
    if (r instanceof Promise) r.catch((e: unknown) => this.note(e));
    return r as never;
  }
}

type Done = (release?: unknown) => void;
type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: Done) => void;

/** Wraps the client's release so that a recorded eviction reason is passed when the caller passed none. */
function evictingRelease(client: PoolClient): Done {
  const release = client.release.bind(client) as Done;
  const evicting: Done = (err) => release(err ?? (client as unknown as EvictingClient).evictFor);
  client.release = evicting;
  return evicting;
}

/** A pg Pool of EvictingClients whose `release` destroys a client that saw a connection-level or read-only error. */
export class EvictingPool extends pg.Pool {
  constructor(config: PoolConfig = {}) {
    super({ ...config, Client: EvictingClient });
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    if (!callback) {
      return new Promise((resolve, reject) => this.connect((err, client) => (err || !client ? reject(err) : resolve(client))));
    }
    // pool.query and TypeORM call this form and use the `done` it hands them.
    super.connect((err, client, done) => {
      if (err || !client) return callback(err, client, done);
      callback(undefined, client, evictingRelease(client));
    });
  }
}

/** A pool for request traffic: eviction plus PG_SERVING_DEFAULTS; `config` wins where given. */
export function createServingPool(config: PoolConfig): EvictingPool {
  return new EvictingPool({ ...PG_SERVING_DEFAULTS, ...config });
}

/**
 * The `pg` module as TypeORM's `driver` option, with its Pool swapped for EvictingPool: TypeORM's
 * query runners release without an error, so eviction must happen in the pool they get.
 */
export const pgDriverWithEviction: typeof pg = Object.create(pg, { Pool: { value: EvictingPool } }) as typeof pg;

/** PostgreSQL's SQLSTATE for a write refused by a read-only server or transaction. */
const READ_ONLY_SQL_TRANSACTION = '25006';

/**
 * Readiness of a pool that must write: PostgreSQL answers and is not read-only (a replica or a fenced
 * primary the `-rw` Service no longer points at). A read-only answer evicts the connection it came on,
 * so the next probe connects through the Service again and sees the new primary.
 */
export async function checkWritable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let evict: Error | undefined;
  try {
    const { rows } = await client.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro");
    if (rows[0]?.ro === 'on') {
      evict = Object.assign(new Error('PostgreSQL is read-only (a replica or a fenced primary)'), { code: READ_ONLY_SQL_TRANSACTION });
      throw evict;
    }
  } finally {
    client.release(evict);
  }
}
