import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, rest, user, useTwoPods } from './harness';

const pods = useTwoPods();

const ROUNDS = 12;
const ROOMS = 16;
const SOCKETS = 8;
/** Rooms bob stays in besides: a longer room lookup at each handshake, a wider window for the race. */
const OTHER_ROOMS = 200;

test('a member removed while their socket connects never receives a later message of that room', async () => {
  const [admin, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  // A room bob stays in: its message, sent last, tells when everything before it has arrived.
  const control = (await rest(pods.b.url, 'POST', '/rooms', admin.token, { name: 'control', memberIds: [bob.id] })).body.id as string;
  for (let i = 0; i < OTHER_ROOMS; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => rest(pods.b.url, 'POST', '/rooms', admin.token, { name: `stay ${i + j}`, memberIds: [bob.id] })),
    );
  }
  const leaks: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rooms: string[] = [];
    for (let i = 0; i < ROOMS; i++) {
      rooms.push((await rest(pods.b.url, 'POST', '/rooms', admin.token, { name: `race ${round}.${i}`, memberIds: [bob.id] })).body.id);
    }
    const removed = new Set(rooms);
    const got: Message[] = [];
    // Bob's sockets connect to pod A while pod B removes him from every room, the removals spread
    // over the handshakes so that some commit between the handshake's room lookup and its joins.
    const connecting = Array.from({ length: SOCKETS }, () =>
      connect(pods.a.url, bob.token).then((s) => {
        s.on('message:new', (m: Message) => got.push(m));
        return s;
      }),
    );
    // Half the rounds remove on the pod the sockets are on, half on the other one.
    const remover = round % 2 ? pods.a : pods.b;
    const removals = rooms.map(async (roomId, i) => {
      await new Promise((r) => setTimeout(r, (i * (round + 3)) % 20));
      const r = await rest(remover.url, 'DELETE', `/rooms/${roomId}/members/${bob.id}`, admin.token);
      assert.equal(r.status, 204);
    });
    const [sockets] = await Promise.all([Promise.all(connecting), Promise.all(removals)]);
    for (const roomId of rooms) {
      assert.equal((await rest(pods.b.url, 'POST', `/rooms/${roomId}/messages`, admin.token, { body: 'after', clientMsgId: `a-${roomId}` })).status, 201);
    }
    const tag = `control ${round}`;
    await rest(pods.b.url, 'POST', `/rooms/${control}/messages`, admin.token, { body: tag, clientMsgId: `c-${round}` });
    await waitFor('every socket has the control message', () => got.filter((m) => m.body === tag).length === SOCKETS);
    for (const m of got) if (removed.has(m.roomId)) leaks.push(`round ${round}: room ${m.roomId} seq ${m.seq}`);
    for (const s of sockets as Socket[]) s.close();
  }
  assert.deepEqual(leaks, [], 'no message of a room sent after the removal reached the removed member');
});
