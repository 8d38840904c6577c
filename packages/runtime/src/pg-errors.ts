/**
 * What a PostgreSQL (node-postgres or TypeORM) error means for the connection it came on and for the
 * caller. Pure, so the pools, the readiness check and every transport agree on one table.
 *
 * - `connection`: the connection is gone or unusable (socket errors, the server shutting down or
 *   being killed, SQLSTATE class 08, a client-side read timeout). Never reuse it.
 * - `read-only`: 25006 on a connection that landed on a replica or a fenced old primary. The
 *   connection works but points at the wrong server: reusing it would keep failing writes after the
 *   `-rw` Service moved, so it is evicted too and the next connect goes through the Service again.
 * - `retry`: the transaction was rolled back (serialization failure, deadlock); the connection is
 *   fine and the caller may retry as is.
 */
export type PgFailureKind = 'connection' | 'read-only' | 'retry';

/** Socket errors of the driver (Node's `code`). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** SQLSTATEs after which the server closes or has closed the session: admin / crash / cannot-connect-now shutdowns. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '57P05']);

/** Messages node-postgres and pg-pool give errors without a code. */
const CONNECTION_MESSAGES =
  /Connection terminated|not queryable|Query read timeout|timeout exceeded when trying to connect|connect ECONNREFUSED/i;

/** The code of a driver error, including one TypeORM wrapped (QueryFailedError keeps `driverError`). */
function codeOf(e: Error): string | undefined {
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const inner = (e as { driverError?: unknown }).driverError;
  const code = (inner as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgFailureKind(e: unknown): PgFailureKind | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = codeOf(e);
  if (code !== undefined) {
    if (SOCKET_CODES.has(code) || SESSION_ENDED.has(code) || code.startsWith('08')) return 'connection';
    if (code === '25006') return 'read-only';
    if (code === '40001' || code === '40P01') return 'retry';
  }
  return CONNECTION_MESSAGES.test(e.message) ? 'connection' : undefined;
}

/** Whether the pooled connection that saw `e` must be destroyed instead of going back to the pool. */
export function mustEvictConnection(e: unknown): boolean {
  const k = pgFailureKind(e);
  return k === 'connection' || k === 'read-only';
}
