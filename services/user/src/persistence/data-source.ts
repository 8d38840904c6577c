import { DataSource } from 'typeorm';
import { Init1764000000000 } from './migrations/1764000000000-init';
import { RefreshTokenEntity } from './refresh-token.entity';
import { UserEntity } from './user.entity';

/** Advisory lock key that serializes migrations across pods starting together ("user"). */
export const MIGRATION_LOCK = 0x75736572;

/** The schema comes from migrations only (never `synchronize`); they run at start-up and in `migrate`. */
export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [UserEntity, RefreshTokenEntity],
    migrations: [Init1764000000000],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 3000 },
  });
}
