import type { Pool, PoolClient } from 'pg';
import { mustEvictConnection } from '@converge/runtime';

/** PostgreSQL's SQLSTATE for a unique constraint violation. */
export const UNIQUE_VIOLATION = '23505';

/** Runs `fn` in a transaction on one pooled connection: every repository's changes and their outbox events commit together. */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection that died or landed on a replica (a failover) is destroyed, never pooled again; so
  // is one whose ROLLBACK failed, since its transaction state is unknown.
  let evict: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    if (mustEvictConnection(e)) evict = e as Error;
    await client.query('ROLLBACK').catch((r: unknown) => (evict ??= r as Error));
    throw e;
  } finally {
    client.release(evict);
  }
}
