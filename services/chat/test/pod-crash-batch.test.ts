// A chat pod SIGKILLed while batches of sends are in flight inside PostgreSQL (chat_send_batch
// started, waiting on a room lock the test holds): each unacked send is stored whole (message, seq,
// read marker and outbox event together) or not at all, every acked one is stored, and the retries
// the clients make on the other pod store nothing twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

// Two group commits under way on a pod at most (set, whatever the default): the crash then catches
// two batches inside PostgreSQL, besides the sends still queued in the pod's memory.
const pods = useTwoPods({ SEND_BATCH_MAX_IN_FLIGHT: '2' });

test('SIGKILL a pod with batches in flight: no unacked send is half-stored, every acked one is stored once', async () => {
  // Without NATS the relay publishes nothing, so every event stays in the outbox for the check below.
  await pods.c.nats.kill();
  const users: User[] = [];
  for (let i = 0; i < 12; i++) users.push(await user(pods.c.issuer));
  const room = await rest(pods.b.url, 'POST', '/rooms', (users[0] as User).token, { name: 'batch-crash', memberIds: users.slice(1).map((u) => u.id) });
  const roomId = room.body.id as string;
  const acked = new Map<string, Message>();
  const onA = await Promise.all(users.map((u) => connect(pods.a.url, u.token)));

  // Some sends acked through pod A before anything goes wrong.
  for (const [i, s] of onA.entries()) {
    const ack = await emit(s, 'message:send', { roomId, body: `before ${i}`, clientMsgId: `before-${i}` });
    assert.equal(ack.ok, true);
    acked.set(`before-${i}`, ack.message);
  }

  const db = new Client({ connectionString: pods.c.db.url });
  // pg_stat_activity is read outside the lock holder's transaction, which would see one snapshot of it.
  const watch = new Client({ connectionString: pods.c.db.url });
  await Promise.all([db.connect(), watch.connect()]);
  try {
    // Hold the room's lock: pod A's next batches start in PostgreSQL and wait inside chat_send_batch.
    await db.query('BEGIN');
    await db.query('SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE', [roomId]);
    const send = (s: Socket, i: number) =>
      emit(s, 'message:send', { roomId, body: `in flight ${i}`, clientMsgId: `flight-${i}` }, 30_000).then(
        (ack: { ok: boolean; message: Message }) => {
          if (ack.ok) acked.set(`flight-${i}`, ack.message);
          return ack.ok;
        },
        () => false,
      );
    const waiting = async () =>
      (
        await watch.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND query LIKE '%chat_send_batch%' AND wait_event_type = 'Lock'`,
        )
      ).rows[0]?.n ?? 0;
    // Two waves: the first goes at once (nothing in flight) and waits on the lock; the second
    // gathers behind it and goes as a batch of its own after at most 2 ms.
    const half = users.length / 2;
    const inFlight = onA.slice(0, half).map((s, i) => send(s, i));
    await waitFor('a batch waiting on the room lock', async () => (await waiting()) >= 1, 10_000, 20);
    inFlight.push(...onA.slice(half).map((s, i) => send(s, half + i)));
    await waitFor('two batches waiting on the room lock', async () => (await waiting()) >= 2, 10_000, 20);
    pods.a.child.kill('SIGKILL');
    await new Promise((r) => pods.a.child.once('exit', r));
    // One batch's backend dies with its pod (rolled back, nothing stored); the others commit
    // although nobody hears their answer. Both must be whole.
    const [victim] = (
      await watch.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%chat_send_batch%'
         AND wait_event_type = 'Lock' ORDER BY query_start LIMIT 1`,
      )
    ).rows;
    assert.ok(victim);
    await db.query('SELECT pg_terminate_backend($1)', [victim.pid]);
    await db.query('COMMIT');
    assert.deepEqual(
      (await Promise.all(inFlight)).filter(Boolean),
      [],
      'no send of a batch in flight was acked: the pod died before any commit',
    );
    // Finished, not only past the lock: committed (or rolled back) before anything is read.
    await waitFor(
      'pod A has no batch left in PostgreSQL',
      async () =>
        (
          await watch.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
             AND query LIKE '%chat_send_batch%' AND state <> 'idle' AND pid <> pg_backend_pid()`,
          )
        ).rows[0]?.n === 0,
      10_000,
      20,
    );

    // Read in one snapshot: messages, events and the room's last seq as of one moment.
    const wholeness = async () => {
      await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      try {
        return await readWholeness();
      } finally {
        await db.query('COMMIT');
      }
    };
    const readWholeness = async () => {
      const r = await db.query<{ seq: string; client_msg_id: string; id: string; event_seq: number | null }>(
        `SELECT m.seq, m.client_msg_id, m.id, (o.payload->'message'->>'seq')::int AS event_seq
         FROM messages m LEFT JOIN outbox o ON o.payload->'message'->>'id' = m.id::text
         WHERE m.room_id = $1 ORDER BY m.seq`,
        [roomId],
      );
      const orphans = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox o WHERE o.payload->'message'->>'roomId' = $1
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id::text = o.payload->'message'->>'id')`,
        [roomId],
      );
      const last = await db.query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE id = $1', [roomId]);
      return { rows: r.rows, orphans: orphans.rows[0]?.n, lastSeq: Number(last.rows[0]?.last_seq) };
    };
    const check = (w: Awaited<ReturnType<typeof wholeness>>) => {
      assert.deepEqual(w.rows.map((r) => Number(r.seq)), Array.from({ length: w.rows.length }, (_, k) => k + 1), 'no seq gap');
      assert.equal(w.lastSeq, w.rows.length, "the room's last seq is its last stored message");
      for (const r of w.rows) assert.equal(r.event_seq, Number(r.seq), `message ${r.client_msg_id} has its event, with its seq`);
      assert.equal(w.orphans, 0, 'no event without its message');
    };
    const afterCrash = await wholeness();
    check(afterCrash);
    const stored = new Set(afterCrash.rows.map((r) => r.client_msg_id));
    for (const id of acked.keys()) assert.ok(stored.has(id), `acked ${id} is stored`);
    const inFlightStored = [...stored].filter((id) => id.startsWith('flight-')).length;
    assert.ok(inFlightStored > 0 && inFlightStored < users.length, `some in-flight sends committed, the killed batch did not (${inFlightStored})`);

    // The clients retry on pod B with the same clientMsgIds: each ends stored exactly once.
    const onB: Socket[] = await Promise.all(users.map((u) => connect(pods.b.url, u.token)));
    const retries = await Promise.all(onB.map((s, i) => emit(s, 'message:send', { roomId, body: `in flight ${i}`, clientMsgId: `flight-${i}` })));
    assert.ok(retries.every((r) => r.ok));
    const final = await wholeness();
    check(final);
    const ids = final.rows.map((r) => r.client_msg_id);
    assert.equal(new Set(ids).size, ids.length, 'no clientMsgId stored twice');
    assert.equal(ids.length, 2 * users.length);
    for (const [i, r] of retries.entries()) {
      assert.equal(ids[(r.message as Message).seq - 1], `flight-${i}`, 'the retry acks the stored seq');
    }
    for (const s of onB) s.close();
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
    await Promise.all([db.end(), watch.end()]);
    for (const s of onA) s.close();
  }
});
