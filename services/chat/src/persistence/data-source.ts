import { DataSource } from 'typeorm';
import { Init1764000000001 } from './migrations/1764000000001-init';
import { SendFunction1764000000002 } from './migrations/1764000000002-send-function';
import { OutboxTraceparent1764000000003 } from './migrations/1764000000003-outbox-traceparent';
import { SendBatchFunction1764000000004 } from './migrations/1764000000004-send-batch-function';
import { ChangesFeed1764000000005 } from './migrations/1764000000005-changes-feed';
import { PublicRooms1764000000006 } from './migrations/1764000000006-public-rooms';
import { HotRoomUpdates1764000000090 } from './migrations/1764000000090-hot-room-updates';

/** Advisory lock key that serializes migrations across pods starting together ("chat"). */
export const MIGRATION_LOCK = 0x63686174;

/**
 * TypeORM runs the migrations (never `synchronize`). Queries go through node-postgres with
 * hand-written SQL: the send path is one statement (`chat_send`) and every change commits with its
 * outbox event.
 */
export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: [
      Init1764000000001,
      SendFunction1764000000002,
      OutboxTraceparent1764000000003,
      SendBatchFunction1764000000004,
      ChangesFeed1764000000005,
      PublicRooms1764000000006,
      HotRoomUpdates1764000000090,
    ],
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: { max: 1, connectionTimeoutMillis: 5000 },
  });
}

/** Applies pending migrations, one pod at a time; returns how many ran. */
export async function runMigrations(url: string, withLock: <T>(fn: () => Promise<T>) => Promise<T>): Promise<number> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    const ran = await withLock(() => ds.runMigrations({ transaction: 'each' }));
    return ran.length;
  } finally {
    await ds.destroy();
  }
}
