import { DataSource } from 'typeorm';
import { Init1764000000001 } from './migrations/1764000000001-init';

/** Advisory lock key that serializes migrations across pods starting together ("chat"). */
export const MIGRATION_LOCK = 0x63686174;

/**
 * Messages are written with hand-written SQL (the seq bump, the idempotency re-check and the outbox
 * insert are one transaction); TypeORM provides the pool, transactions and migrations.
 */
export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: [Init1764000000001],
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 3000 },
  });
}
