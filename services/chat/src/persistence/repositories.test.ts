import { Pool } from 'pg';
import { createTestDatabase } from '@converge/testing';
import { repositoryContract } from '../domain/repositories.contract';
import { runMigrations } from './data-source';
import { PgMessageRepository } from './message.repository';
import { PgRoomRepository } from './room.repository';

repositoryContract('PostgreSQL', async () => {
  const db = await createTestDatabase('chat_repositories');
  // Its own database: nobody else migrates it, so no lock is needed.
  await runMigrations(db.url, (fn) => fn());
  const pool = new Pool({ connectionString: db.url, max: 8 });
  return {
    rooms: new PgRoomRepository(pool),
    messages: new PgMessageRepository(pool),
    async close() {
      await pool.end();
      await db.drop();
    },
  };
});
