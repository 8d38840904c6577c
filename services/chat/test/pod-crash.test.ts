import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

test('SIGKILL a pod while 10 clients send: acked messages survive, retries never duplicate, everyone converges', async () => {
  const users: User[] = [];
  for (let i = 0; i < 10; i++) users.push(await user(pods.c.issuer));
  const room = await rest(pods.b.url, 'POST', '/rooms', (users[0] as User).token, { name: 'crash', memberIds: users.slice(1).map((u) => u.id) });
  const roomId = room.body.id as string;
  const perClient = 60;
  const acked = new Map<string, Message>();
  let failovers = 0;

  // Each client sends to pod A until it fails, then reconnects to pod B and resends from the first unacked id.
  const initial = await Promise.all(users.map((u) => connect(pods.a.url, u.token)));
  const clients = users.map(async (u, i) => {
    let s: Socket = initial[i] as Socket;
    let n = 0;
    while (n < perClient) {
      const clientMsgId = `crash-${i}-${n}`;
      try {
        const ack = await emit(s, 'message:send', { roomId, body: `msg ${i}/${n}`, clientMsgId }, 2000);
        if (!ack.ok) throw new Error(ack.error.code);
        acked.set(clientMsgId, ack.message);
        n++;
      } catch {
        failovers++;
        s.close();
        // The pod may still be going down: keep trying the surviving one.
        for (;;) {
          try {
            s = await connect(pods.b.url, u.token);
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
    }
    return s;
  });
  // Kill pod A mid-load: after some sends were acked, while every client still has more to send.
  await waitFor('some acks before the crash', () => acked.size >= 100, 20_000, 5);
  pods.a.child.kill('SIGKILL');
  const sockets = await Promise.all(clients);
  assert.equal(acked.size, users.length * perClient);
  assert.ok(failovers >= users.length, 'the crash hit clients mid-send');

  const pg = await import('pg');
  const db = new pg.Client({ connectionString: pods.c.db.url });
  await db.connect();
  const { rows } = await db.query('SELECT seq, client_msg_id FROM messages WHERE room_id = $1 ORDER BY seq', [roomId]);
  await db.end();
  assert.deepEqual(rows.map((r: { seq: string }) => Number(r.seq)), Array.from({ length: rows.length }, (_, k) => k + 1), 'no gap');
  const ids = rows.map((r: { client_msg_id: string }) => r.client_msg_id);
  assert.equal(new Set(ids).size, ids.length, 'no clientMsgId stored twice');
  assert.equal(ids.length, users.length * perClient, 'every acked message is stored, and nothing else');
  for (const [id, m] of acked) assert.equal(ids[m.seq - 1], id, 'acks carry the stored seq');

  // Every member converges on the same, complete, ordered history through sync.
  for (const s of sockets) {
    const got: number[] = [];
    let after = 0;
    for (;;) {
      const page = await emit(s, 'room:sync', { roomId, afterSeq: after, limit: 500 });
      for (const m of page.messages as Message[]) got.push((after = m.seq));
      if (!page.hasMore) break;
    }
    assert.deepEqual(got, Array.from({ length: ids.length }, (_, k) => k + 1));
    s.close();
  }
});
