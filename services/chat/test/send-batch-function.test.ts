// chat_send_batch at the SQL level: what one batch stores for a mix of good and bad entries, and two
// connections sending overlapping batches with their rooms in opposite orders (two pods).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Client, Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@converge/testing';
import { runMigrations } from '../src/persistence/data-source';

let db: TestDatabase;
let pool: Pool;

before(async () => {
  db = await createTestDatabase('chat_send_batch');
  await runMigrations(db.url, (fn) => fn());
  pool = new Pool({ connectionString: db.url, max: 4 });
});
after(async () => {
  await pool.end();
  await db.drop();
});

interface Entry {
  room: string;
  sender: string;
  client: string;
  body?: string;
}

interface Row {
  o_idx: number;
  o_outcome: string;
  o_id: string | null;
  o_seq: string | null;
  o_body: string | null;
}

const BATCH = 'SELECT * FROM chat_send_batch($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::uuid[], $8::text[], $9::jsonb[])';

function params(entries: Entry[]): unknown[] {
  const events = entries.map((e) => ({ eventId: randomUUID(), message: { roomId: e.room, seq: 0, clientMsgId: e.client } }));
  return [
    entries.map((e) => e.room),
    entries.map((e) => e.sender),
    entries.map((e) => e.client),
    entries.map(() => randomUUID()),
    entries.map((e) => e.body ?? `body of ${e.client}`),
    entries.map(() => new Date()),
    events.map((e) => e.eventId),
    entries.map((e) => `chat.room.${e.room}.message.created`),
    events.map((e) => JSON.stringify(e)),
  ];
}

async function batch(q: Pool | Client, entries: Entry[]): Promise<Row[]> {
  return (await q.query<Row>(BATCH, params(entries))).rows;
}

async function room(members: string[]): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO rooms (id, name, kind, created_by) VALUES ($1, 'r', 'group', $2)`, [id, members[0] ?? randomUUID()]);
  for (const m of members) await pool.query(`INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, 'member')`, [id, m]);
  return id;
}

async function stored(roomId: string): Promise<{ seq: number; client: string; sender: string }[]> {
  const r = await pool.query<{ seq: string; client_msg_id: string; sender_id: string }>(
    'SELECT seq, client_msg_id, sender_id FROM messages WHERE room_id = $1 ORDER BY seq',
    [roomId],
  );
  return r.rows.map((x) => ({ seq: Number(x.seq), client: x.client_msg_id, sender: x.sender_id }));
}

test('one batch of good and bad entries: each gets its own outcome, a bad one never fails the others, seqs stay gap-free', async () => {
  const [a, b, eve] = [randomUUID(), randomUUID(), randomUUID()];
  const r1 = await room([a, b]);
  const r2 = await room([a]);
  const [earlier] = await batch(pool, [{ room: r2, sender: a, client: 'old', body: 'stored before' }]);
  assert.equal(earlier?.o_outcome, 'created');

  const rows = await batch(pool, [
    { room: r1, sender: a, client: 'c1', body: 'first' },
    { room: r1, sender: eve, client: 'c2' }, // not a member
    { room: r1, sender: a, client: 'c1', body: 'retry with another body' }, // a retry within the batch
    { room: r1, sender: b, client: 'c1' }, // same clientMsgId, another sender: a message of its own
    { room: r2, sender: a, client: 'old' }, // a retry of a stored message
    { room: r2, sender: a, client: 'c1' }, // same clientMsgId, another room
    { room: randomUUID(), sender: a, client: 'c9' }, // no such room
  ]);
  assert.deepEqual(
    rows.map((r) => [r.o_idx, r.o_outcome, r.o_seq === null ? null : Number(r.o_seq), r.o_body]),
    [
      [1, 'created', 1, 'first'],
      [2, 'not_member', null, null],
      [3, 'duplicate', 1, 'first'],
      [4, 'created', 2, 'body of c1'],
      [5, 'duplicate', 1, 'stored before'],
      [6, 'created', 2, 'body of c1'],
      [7, 'not_member', null, null],
    ],
  );
  assert.equal(rows[2]?.o_id, rows[0]?.o_id, 'the retry answers with the message its first copy stored');
  assert.equal(rows[4]?.o_id, earlier?.o_id);

  assert.deepEqual(await stored(r1), [
    { seq: 1, client: 'c1', sender: a },
    { seq: 2, client: 'c1', sender: b },
  ]);
  assert.deepEqual((await stored(r2)).map((m) => m.seq), [1, 2]);
  const rooms = await pool.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM rooms WHERE id = ANY($1::uuid[])', [[r1, r2]]);
  assert.deepEqual(new Map(rooms.rows.map((r) => [r.id, Number(r.last_seq)])), new Map([[r1, 2], [r2, 2]]));
  // One outbox event per created message, its seq filled in; none for duplicates or refusals.
  const events = await pool.query<{ seq: number; room: string }>(
    `SELECT (payload->'message'->>'seq')::int AS seq, payload->'message'->>'roomId' AS room FROM outbox WHERE payload->'message'->>'roomId' = ANY($1) ORDER BY id`,
    [[r1, r2]],
  );
  assert.deepEqual(
    events.rows.map((e) => [e.room, e.seq]),
    [
      [r2, 1],
      [r1, 1],
      [r1, 2],
      [r2, 2],
    ],
  );
  // The senders' own read markers moved to their messages.
  const marks = await pool.query<{ user_id: string; room_id: string; read_seq: string }>('SELECT user_id, room_id, read_seq FROM members WHERE room_id = $1', [r1]);
  assert.deepEqual(new Map(marks.rows.map((m) => [m.user_id, Number(m.read_seq)])), new Map([[a, 1], [b, 2]]));
});

test('arrays of different lengths are refused with a clear error, and store nothing', async () => {
  const a = randomUUID();
  const r = await room([a]);
  const p = params([{ room: r, sender: a, client: 'x' }]);
  p[4] = ['one', 'two'];
  await assert.rejects(pool.query(BATCH, p), /every array needs 1 entries/);
  assert.deepEqual(await stored(r), []);
  assert.deepEqual(await batch(pool, []), [], 'an empty batch is a no-op');
});

test('two connections send overlapping batches with their rooms in opposite orders: no deadlock, every room gap-free', async () => {
  const u = randomUUID();
  const rooms: string[] = [];
  for (let i = 0; i < 8; i++) rooms.push(await room([u]));
  const conns = [new Client({ connectionString: db.url }), new Client({ connectionString: db.url })];
  await Promise.all(conns.map((c) => c.connect()));
  const rounds = 60;
  try {
    await Promise.all(
      conns.map(async (c, k) => {
        const order = k === 0 ? rooms : [...rooms].reverse();
        for (let n = 0; n < rounds; n++) {
          // Held open a moment after the batch, so the other connection's batch runs into its locks.
          await c.query('BEGIN');
          const rows = await batch(
            c,
            order.map((roomId) => ({ room: roomId, sender: u, client: `${k}-${n}` })),
          );
          assert.ok(rows.every((r) => r.o_outcome === 'created'));
          await c.query('SELECT pg_sleep(0.002)');
          await c.query('COMMIT');
        }
      }),
    );
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
  for (const r of rooms) {
    const got = await stored(r);
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: 2 * rounds }, (_, i) => i + 1));
  }
});

test('each created entry stores its own traceparent on its outbox row; none passed stores none; a traceparents array of another length is refused', async () => {
  const a = randomUUID();
  const r = await room([a]);
  const entries: Entry[] = [
    { room: r, sender: a, client: 't1' },
    { room: r, sender: a, client: 't2' },
  ];
  const tps = ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', null];
  const traced = `${BATCH.slice(0, -1)}, $10::text[])`;
  const rows = (await pool.query<Row>(traced, [...params(entries), tps])).rows;
  assert.deepEqual(rows.map((x) => x.o_outcome), ['created', 'created']);
  await batch(pool, [{ room: r, sender: a, client: 't3' }]);
  const outbox = await pool.query<{ client: string; traceparent: string | null }>(
    `SELECT payload->'message'->>'clientMsgId' AS client, traceparent FROM outbox WHERE payload->'message'->>'roomId' = $1 ORDER BY id`,
    [r],
  );
  assert.deepEqual(outbox.rows.map((x) => [x.client, x.traceparent]), [['t1', tps[0]], ['t2', null], ['t3', null]]);
  await assert.rejects(pool.query(traced, [...params([{ room: r, sender: a, client: 't4' }]), tps]), { code: '22023' });
});
