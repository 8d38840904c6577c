import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './transaction';

/**
 * What every node-postgres repository of the chat service shares: plain reads on the pool, and
 * transactions that tell the outbox relay once they commit (so it publishes without waiting for its poll).
 */
export abstract class PgRepository {
  constructor(
    protected readonly pool: Pool,
    /** Told after a commit that wrote events. */
    protected readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  protected async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.pool, fn);
    this.onEventsCommitted();
    return result;
  }

  protected async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
}
