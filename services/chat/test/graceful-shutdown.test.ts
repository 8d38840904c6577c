import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

type Ack = { ok: true; message: Message } | { ok: false; error: { code: string } };

test('SIGTERM: sends in flight are stored and acked, then sockets get a reconnect hint and close; clients resume on the other pod', async () => {
  const users: User[] = [];
  for (let i = 0; i < 5; i++) users.push(await user(pods.c.issuer));
  const room = await rest(pods.b.url, 'POST', '/rooms', (users[0] as User).token, { name: 'drain', memberIds: users.slice(1).map((u) => u.id) });
  const roomId = room.body.id as string;
  const sockets = await Promise.all(users.map((u) => connect(pods.a.url, u.token)));

  // Per socket, in order: every ack, the shutdown hint and the disconnect, as the client saw them.
  const timeline = sockets.map((s) => {
    const events: string[] = [];
    s.on('server:shutdown', (p: { reconnect: boolean }) => events.push(`shutdown:${p.reconnect}`));
    s.on('disconnect', (reason) => events.push(`disconnect:${reason}`));
    return events;
  });
  // Each client keeps 20 sends in flight at once; SIGTERM lands in the middle of it. An ack is recorded
  // in its callback, in the order the packets arrived (an awaited promise would be recorded after the
  // other packets of the same read, the hint among them).
  const results = new Map<string, Ack | 'no answer'>();
  const send = (s: Socket, events: string[], clientMsgId: string, body: string) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        results.set(clientMsgId, 'no answer');
        events.push('ack:no answer');
        resolve();
      }, 8000);
      s.emit('message:send', { roomId, body, clientMsgId }, (ack: Ack) => {
        clearTimeout(timer);
        results.set(clientMsgId, ack);
        events.push(`ack:${ack.ok ? 'ok' : ack.error.code}`);
        resolve();
      });
    });
  const sends = sockets.flatMap((s: Socket, i) =>
    Array.from({ length: 20 }, (_, n) => send(s, timeline[i] as string[], `d-${i}-${n}`, `drain ${i}/${n}`)),
  );
  await new Promise((r) => setImmediate(r));
  pods.a.child.kill('SIGTERM');
  await Promise.all(sends);
  assert.equal(await pods.a.exited, 0, 'the drain completed and the process exited 0');

  for (const events of timeline) {
    const hint = events.indexOf('shutdown:true');
    const closed = events.findIndex((e) => e.startsWith('disconnect:'));
    assert.ok(hint >= 0, `a reconnect hint was sent: ${events.join(' ')}`);
    assert.ok(closed > hint, 'the hint came before the socket closed');
    assert.equal(events[closed], 'disconnect:io server disconnect');
    assert.ok(!events.includes('ack:no answer'), `every send was answered: ${events.join(' ')}`);
    assert.ok(events.slice(hint).every((e) => !e.startsWith('ack:')), `every ack left before the hint: ${events.join(' ')}`);
  }
  const acked = [...results.entries()].filter(([, r]) => r !== 'no answer' && r.ok);
  const refusedCodes = [...results.values()].flatMap((r) => (r !== 'no answer' && !r.ok ? [r.error.code] : []));
  assert.ok(refusedCodes.every((code) => code === 'UNAVAILABLE'), `sends after the drain began were refused UNAVAILABLE: ${refusedCodes.join()}`);
  console.log(`# drain: ${acked.length} acked, ${refusedCodes.length} refused`);

  const db = new Client({ connectionString: pods.c.db.url });
  await db.connect();
  const stored = new Set((await db.query('SELECT client_msg_id FROM messages WHERE room_id = $1', [roomId])).rows.map((r) => r.client_msg_id));
  for (const [id] of acked) assert.ok(stored.has(id), `acked ${id} is stored`);

  // The clients follow the hint: reconnect to the other pod and retry what was refused, same clientMsgId.
  const again = await Promise.all(users.map((u) => connect(pods.b.url, u.token)));
  for (const [id, r] of results) {
    if (r !== 'no answer' && r.ok) continue;
    const [, i, n] = id.split('-');
    const ack = await emit(again[Number(i)] as Socket, 'message:send', { roomId, body: `drain ${i}/${n}`, clientMsgId: id });
    assert.equal(ack.ok, true);
  }
  const { rows } = await db.query('SELECT seq, client_msg_id FROM messages WHERE room_id = $1 ORDER BY seq', [roomId]);
  await db.end();
  assert.deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: 100 }, (_, k) => k + 1), 'all 100 stored once, no gap');
  await waitFor('readiness of the surviving pod', async () => (await fetch(`${pods.b.url}/readyz`)).ok);
  for (const s of again) s.close();
});
