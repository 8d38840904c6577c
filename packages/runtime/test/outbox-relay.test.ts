import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { Pool } from 'pg';
import { createTestDatabase, startNatsServer, waitFor, type TestDatabase, type TestServer } from '@converge/testing';
import { createLogger } from '../src/logger';
import { ensureStream, NatsLink } from '../src/nats';
import { newOutboxEvent, OUTBOX_TABLE_DDL, OUTBOX_TRACEPARENT_DDL, outboxInsert, OutboxRelay } from '../src/outbox';

let db: TestDatabase;
let nats: TestServer;
let pool: Pool;
const logger = createLogger('test', 'silent');

before(async () => {
  db = await createTestDatabase('runtime_outbox');
  pool = new Pool({ connectionString: db.url, max: 4 });
  for (const ddl of [...OUTBOX_TABLE_DDL, OUTBOX_TRACEPARENT_DDL]) await pool.query(ddl);
  nats = await startNatsServer();
});
after(async () => {
  await pool.end();
  await db.drop();
  await nats.stop();
});

async function streamEventIds(nc: NatsConnection, stream: string): Promise<string[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    ids.push((m.json() as { eventId: string }).eventId);
  }
  return ids;
}

test('events written while NATS is down are all published once NATS is back, once each', async () => {
  await nats.kill();
  const link = new NatsLink(nats.url, 'outbox-test', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), 'TESTEV', ['testev.>']),
  );
  const relay = new OutboxRelay({ pool, nats: link, logger, idleMs: 50 });
  relay.start();

  // A business change and its event commit together, while NATS is unreachable.
  const written: string[] = [];
  for (let i = 0; i < 25; i++) {
    const e = newOutboxEvent('testev.created', { n: i });
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(...outboxInsert(e));
    await client.query('COMMIT');
    client.release();
    written.push(e.eventId);
  }
  const pending = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
  assert.equal(pending.rows[0].n, 25);

  await nats.restart();
  await link.whenConnected();
  await waitFor('outbox drained', async () => {
    const r = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    return r.rows[0].n === 0;
  });
  const nc = await connect({ servers: nats.url });
  const ids = await streamEventIds(nc, 'TESTEV');
  assert.deepEqual(ids, written, 'every event, in commit order, once');
  await nc.close();
  await relay.stop();
  await link.close();
});

test('a relay that re-sends after a crash is deduplicated by the event id', async () => {
  const link = new NatsLink(nats.url, 'outbox-test-2', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), 'TESTEV', ['testev.>']),
  );
  await link.whenConnected();
  const e = newOutboxEvent('testev.created', { n: 'dup' });
  await pool.query(...outboxInsert(e));
  const relay = new OutboxRelay({ pool, nats: link, logger });
  assert.equal(await relay.pass(), 1);
  assert.equal((await pool.query('SELECT count(*)::int AS n FROM outbox WHERE event_id = $1', [e.eventId])).rows[0].n, 0, 'published rows are deleted');
  // Simulate a crash between publish and delete: the row is still there.
  await pool.query(...outboxInsert(e));
  assert.equal(await relay.pass(), 1);
  const nc = await connect({ servers: nats.url });
  const ids = await streamEventIds(nc, 'TESTEV');
  assert.equal(ids.filter((id) => id === e.eventId).length, 1);
  await nc.close();
  await link.close();
});

test('a row that commits below the ids a relay already published (a slow transaction) is still published, within the full-scan period', async () => {
  const link = new NatsLink(nats.url, 'outbox-test-floor', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), 'FLOOREV', ['floorev.>']),
  );
  await link.whenConnected();
  const relay = new OutboxRelay({ pool, nats: link, logger, idleMs: 50, paceMs: 0 });
  // A transaction takes its id, then stalls before committing, while later ones commit and are published.
  const slow = await pool.connect();
  await slow.query('BEGIN');
  const late = newOutboxEvent('floorev.created', { n: 'late' });
  await slow.query(...outboxInsert(late));
  const early = [0, 1, 2].map((n) => newOutboxEvent('floorev.created', { n }));
  for (const e of early) await pool.query(...outboxInsert(e));
  relay.start();
  const nc = await connect({ servers: nats.url });
  try {
    await waitFor('the committed events published', async () => (await streamEventIds(nc, 'FLOOREV')).length === 3);
    // Let passes run from the floor (above the slow row's id) before it commits.
    await new Promise((r) => setTimeout(r, 200));
    await slow.query('COMMIT');
    relay.kick();
    await waitFor('the late event published', async () => (await streamEventIds(nc, 'FLOOREV')).includes(late.eventId), 5000);
    assert.deepEqual((await streamEventIds(nc, 'FLOOREV')).sort(), [...early, late].map((e) => e.eventId).sort(), 'each once');
  } finally {
    slow.release();
    await nc.close();
    await relay.stop();
    await link.close();
  }
});
