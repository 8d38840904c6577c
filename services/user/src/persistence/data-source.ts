import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PG_SERVING_DEFAULTS, pgDriverWithEviction } from '@converge/runtime';
import { Init1764000000000 } from './migrations/1764000000000-init';
import { OutboxTraceparent1764000000001 } from './migrations/1764000000001-outbox-traceparent';
import { RefreshTokenEntity } from './refresh-token.entity';
import { UserEntity } from './user.entity';

/** Advisory lock key that serializes migrations across pods starting together ("user"). */
export const MIGRATION_LOCK = 0x75736572;

/** What a data source is for: serving requests, or running migrations (no statement timeouts). */
export type DataSourcePurpose = 'serve' | 'migrate';

/**
 * The schema comes from migrations only (never `synchronize`); they run at start-up and in `migrate`.
 * Both kinds run on node-postgres pools that evict a connection a failover broke or moved to a replica
 * (TypeORM's query runners release without an error, so the pool decides). Serving ones also bound
 * connects, statements and half-open sockets; a migration's DDL may take as long as it needs.
 */
export function createDataSource(url: string, poolSize = 10, purpose: DataSourcePurpose = 'serve'): DataSource {
  return new DataSource({
    type: 'postgres',
    driver: pgDriverWithEviction,
    url,
    entities: [UserEntity, RefreshTokenEntity],
    migrations: [Init1764000000000, OutboxTraceparent1764000000001],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: purpose === 'serve' ? { ...PG_SERVING_DEFAULTS, max: poolSize } : { max: poolSize, connectionTimeoutMillis: 3000 },
  });
}

/** The data source's pg pool (TypeORM's driver holds it), for checks that need one client of their own. */
export function poolOf(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}
