import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, user, useTwoPods } from './harness';

const pods = useTwoPods({ PRESENCE_TTL_MS: '3000' });

function record(s: Socket, event: string): unknown[] {
  const got: unknown[] = [];
  s.on(event, (p: unknown) => got.push(p));
  return got;
}

async function onlineIn(base: string, roomId: string, token: string): Promise<Record<string, boolean>> {
  const r = await rest(base, 'GET', `/rooms/${roomId}/presence`, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Object.fromEntries(r.body.users.map((x: { userId: string; online: boolean }) => [x.userId, x.online]));
}

test('presence: online while the user has a socket on any pod, told to the users who share a room, and only them', async () => {
  const [alice, bob, carol] = [await user(pods.c.issuer), await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'presence', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sb = await connect(pods.b.url, bob.token);
  const sc = await connect(pods.b.url, carol.token);
  const bobHears = record(sb, 'presence');
  const carolHears = record(sc, 'presence');

  const a1 = await connect(pods.a.url, alice.token);
  await waitFor('bob hears alice come online', () => bobHears.length === 1);
  assert.deepEqual(bobHears[0], { userId: alice.id, online: true });
  // A second socket on the other pod: still one "online", and going away from one pod is not "offline".
  const a2 = await connect(pods.b.url, alice.token);
  a1.close();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(bobHears.length, 1);
  assert.deepEqual(await onlineIn(pods.a.url, roomId, bob.token), { [alice.id]: true, [bob.id]: true });
  a2.close();
  await waitFor('bob hears alice go offline', () => bobHears.length === 2);
  assert.deepEqual(bobHears[1], { userId: alice.id, online: false });
  assert.deepEqual(await onlineIn(pods.b.url, roomId, bob.token), { [alice.id]: false, [bob.id]: true });

  assert.deepEqual(carolHears, [], 'a user who shares no room hears nothing');
  const denied = await rest(pods.a.url, 'GET', `/rooms/${roomId}/presence`, carol.token);
  assert.deepEqual([denied.status, denied.body.error.code], [404, 'NOT_FOUND']);
  sb.close();
  sc.close();
});

test("a crashed pod's sockets stop counting as online after the presence TTL", async () => {
  const [dave, erin] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', erin.token, { name: 'ttl', memberIds: [dave.id] });
  const doomed = await pods.c.spawn();
  const sd = await connect(doomed.url, dave.token);
  await waitFor('dave online', async () => (await onlineIn(pods.a.url, room.body.id, erin.token))[dave.id] === true);
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  sd.close();
  await waitFor('dave offline once the TTL passed', async () => (await onlineIn(pods.a.url, room.body.id, erin.token))[dave.id] === false, 8000, 200);
});

test('typing reaches the other members (not the typist, not outsiders) and expires by itself after 5 s', async () => {
  const [alice, bob, carol] = [await user(pods.c.issuer), await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'typing', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sa = await connect(pods.a.url, alice.token);
  const sa2 = await connect(pods.b.url, alice.token);
  const sb = await connect(pods.b.url, bob.token);
  const sc = await connect(pods.a.url, carol.token);
  const bobHears = record(sb, 'typing');
  const aliceOther = record(sa2, 'typing');
  const carolHears = record(sc, 'typing');

  assert.equal((await emit(sa, 'typing', { roomId, typing: true })).ok, true);
  await waitFor('bob sees alice typing', () => bobHears.length === 1);
  assert.deepEqual(bobHears[0], { roomId, userId: alice.id, typing: true });
  const t0 = Date.now();
  await waitFor('the typing expires by itself', () => bobHears.length === 2, 8000);
  const after = Date.now() - t0;
  assert.deepEqual(bobHears[1], { roomId, userId: alice.id, typing: false });
  assert.ok(after > 4000 && after < 6500, `expired after ~5 s (${after} ms)`);

  // Explicit stop, and a socket that goes away while typing stops too.
  await emit(sa, 'typing', { roomId, typing: true });
  await emit(sa, 'typing', { roomId, typing: false });
  await waitFor('explicit stop', () => bobHears.length === 4);
  await emit(sa, 'typing', { roomId, typing: true });
  await waitFor('typing again', () => bobHears.length === 5);
  sa.close();
  await waitFor('stopped on disconnect', () => bobHears.length === 6);
  assert.deepEqual(bobHears[5], { roomId, userId: alice.id, typing: false });

  const denied = await emit(sc, 'typing', { roomId, typing: true });
  assert.deepEqual([denied.ok, denied.error.code], [false, 'NOT_FOUND']);
  assert.deepEqual(carolHears, []);
  assert.deepEqual(aliceOther, [], "the typist's own sockets are not told");
  for (const s of [sa2, sb, sc]) s.close();
});

test('5,000 typing events from one socket reach the other member as a handful: one per 2 s per user and room', async () => {
  const [alice, bob] = [await user(pods.c.issuer), await user(pods.c.issuer)];
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'typing flood', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sa = await connect(pods.a.url, alice.token);
  const sb = await connect(pods.b.url, bob.token);
  const bobHears = record(sb, 'typing');
  const started = Date.now();
  // In batches, each acked before the next (the harness lifts the typing limit: this is the coalescing alone).
  for (let i = 0; i < 5000; i += 500) {
    const acks = await Promise.all(Array.from({ length: 500 }, () => emit(sa, 'typing', { roomId, typing: true }, 30_000)));
    assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.find((a) => !a.ok)));
  }
  const elapsed = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300));
  const trues = bobHears.filter((p) => (p as { typing: boolean }).typing);
  assert.ok(trues.length >= 1, 'bob hears alice typing');
  assert.ok(trues.length <= Math.ceil(elapsed / 2000) + 1, `${trues.length} typing events in ${elapsed} ms`);
  // Stopping is a change of state: it goes through at once, and so does the next start.
  await emit(sa, 'typing', { roomId, typing: false });
  await waitFor('bob hears the stop', () => bobHears.some((p) => !(p as { typing: boolean }).typing));
  const before = bobHears.length;
  await emit(sa, 'typing', { roomId, typing: true });
  await waitFor('bob hears the new start', () => bobHears.length === before + 1);
  sa.close();
  sb.close();
});
