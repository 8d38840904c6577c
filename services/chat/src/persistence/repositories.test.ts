import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Client, Pool } from 'pg';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase, waitFor } from '@converge/testing';
import { repositoryContract } from '../domain/repositories.contract';
import { runMigrations } from './data-source';
import { PgMessageRepository } from './message.repository';
import { PgRoomRepository } from './room.repository';
import type { BatcherOptions } from './send.batcher';

/** Ends the pool, then drops its database once its sockets have closed. */
async function closeAndDrop(pool: Pool, db: TestDatabase): Promise<void> {
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
}

/** The contract over PostgreSQL, sends grouped (chat_send_batch, as the service runs) or one by one (chat_send). */
const overPostgres = (batching: BatcherOptions | undefined) => async () => {
  const db = await createTestDatabase('chat_repositories');
  // Its own database: nobody else migrates it, so no lock is needed.
  await runMigrations(db.url, (fn) => fn());
  const pool = new Pool({ connectionString: db.url, max: 8 });
  return {
    rooms: new PgRoomRepository(pool),
    messages: new PgMessageRepository(pool, undefined, batching),
    close: () => closeAndDrop(pool, db),
  };
};

repositoryContract('PostgreSQL, sends grouped', overPostgres({ maxSize: 64, maxWaitMs: 2 }));
repositoryContract('PostgreSQL, one send per statement', overPostgres(undefined));

test('a grouped batch with one body PostgreSQL refuses (a NUL character) stores the others; only that send fails', async () => {
  const db = await createTestDatabase('chat_batch_fallback');
  await runMigrations(db.url, (fn) => fn());
  const pool = new Pool({ connectionString: db.url, max: 4 });
  try {
    const rooms = new PgRoomRepository(pool);
    // A batch that gathers for up to 50 ms behind the first send, so the three below meet in one.
    const messages = new PgMessageRepository(pool, undefined, { maxSize: 3, maxWaitMs: 50 });
    const a = randomUUID();
    const room = await rooms.createRoom({ id: randomUUID(), name: 'r', kind: 'group', directKey: null, visibility: 'private', members: [{ userId: a, role: 'admin' }] }, a);
    assert.ok(room);
    const [good1, bad, good2] = await Promise.allSettled([
      messages.send(room.id, a, 'fine', 'g1'),
      messages.send(room.id, a, 'nul \u0000 inside', 'bad'),
      messages.send(room.id, a, 'fine too', 'g2'),
    ]);
    assert.equal(good1.status, 'fulfilled');
    assert.equal(good2.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    const stored = await messages.after(room.id, 0, 10);
    assert.deepEqual(stored.map((m) => [m.seq, m.clientMsgId]), [[1, 'g1'], [2, 'g2']], 'gap-free without the refused one');
  } finally {
    await closeAndDrop(pool, db);
  }
});
