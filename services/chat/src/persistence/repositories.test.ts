import { Client, Pool } from 'pg';
import { createTestDatabase, PG_ADMIN_URL, waitFor } from '@converge/testing';
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
      // pool.end() resolves before its sockets have closed; a forced DROP DATABASE would terminate
      // the ones still closing, and their error would surface as an uncaught exception.
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        await waitFor('the pool to disconnect', async () => {
          const r = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
          return r.rows[0]?.n === 0;
        });
      } finally {
        await admin.end();
      }
      await db.drop();
    },
  };
});
