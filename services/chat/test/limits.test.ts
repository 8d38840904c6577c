import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { waitFor } from '@converge/testing';
import { DEFAULT_LIMITS } from '../src/limits/limits.table';
import type { LimitedAction } from '../src/domain/ports';
import { connect, emit, rest, user, useTwoPods } from './harness';

// The contract's defaults for the send rate (10/s, burst 20) and the limits table's defaults for the
// rest (RATE_LIMITS empty: the harness lifts them for the other suites); a small socket cap and packet size.
const pods = useTwoPods({
  SEND_RATE_PER_SECOND: '10',
  SEND_BURST: '20',
  RATE_LIMITS: '',
  MAX_SOCKETS_PER_USER: '3',
  SOCKET_MAX_PAYLOAD_BYTES: '32768',
  LOG_LEVEL: 'info',
});

async function burst(roomId: string, token: string, n: number, tag: string) {
  const sa = await connect(pods.a.url, token);
  const sb = await connect(pods.b.url, token);
  const acks = await Promise.all(
    Array.from({ length: n }, (_, i) => emit(i % 2 ? sb : sa, 'message:send', { roomId, body: `${tag} ${i}`, clientMsgId: `${tag}-${i}` })),
  );
  sa.close();
  sb.close();
  return acks;
}

test('message:send is rate limited per user across pods (token bucket on Redis): RATE_LIMITED with a retry delay', async () => {
  const u = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', u.token, { name: 'limits', memberIds: [] });
  const acks = await burst(room.body.id, u.token, 40, 'rl');
  const ok = acks.filter((x) => x.ok).length;
  const limited = acks.filter((x) => !x.ok);
  assert.ok(ok >= 20 && ok <= 24, `the burst of 20 (plus refill) passes over both pods together, got ${ok}`);
  assert.ok(
    limited.every((x) => x.error.code === 'RATE_LIMITED' && x.error.details.retryAfterMs > 0 && x.error.details.retryAfterSeconds >= 1),
    JSON.stringify(limited[0]),
  );
  const r = await rest(pods.b.url, 'POST', `/rooms/${room.body.id}/messages`, u.token, { body: 'one more', clientMsgId: 'rl-rest' });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1, 'Retry-After on REST');
  assert.equal(r.body.error.code, 'RATE_LIMITED');
  // Another user has their own bucket.
  const v = await user(pods.c.issuer);
  const own = await rest(pods.a.url, 'POST', '/rooms', v.token, { name: 'v', memberIds: [] });
  assert.equal((await rest(pods.a.url, 'POST', `/rooms/${own.body.id}/messages`, v.token, { body: 'mine', clientMsgId: 'v1' })).status, 201);
  // The rate comes back: after a second, about ten more.
  await new Promise((res) => setTimeout(res, 1100));
  const later = await burst(room.body.id, u.token, 15, 'later');
  const okLater = later.filter((x) => x.ok).length;
  assert.ok(okLater >= 10 && okLater < 15, `refilled at ~10/s, got ${okLater}`);
});

test('while Redis is down each pod limits on its own: neither refusing every send nor waving all through', async () => {
  const u = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', u.token, { name: 'limits-down', memberIds: [] });
  const sa = await connect(pods.a.url, u.token);
  await pods.c.redis.kill();
  try {
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) => emit(sa, 'message:send', { roomId: room.body.id, body: `d ${i}`, clientMsgId: `d-${i}` }, 5000)),
    );
    const ok = acks.filter((x) => x.ok).length;
    assert.ok(ok >= 20 && ok <= 24, `the per-pod fallback keeps the same limit, got ${ok}`);
    assert.ok(acks.filter((x) => !x.ok).every((x) => x.error.code === 'RATE_LIMITED'));
  } finally {
    sa.close();
    await pods.c.redis.restart();
    // Both pods reconnected to Redis before the next test counts on it.
    for (const p of [pods.a, pods.b]) await waitFor('the pod back on Redis', () => /"client":"chat"[^\n]*Redis available again/.test(p.output()));
  }
});

test('a user may hold at most MAX_SOCKETS_PER_USER sockets over all pods; one more is refused', async () => {
  const u = await user(pods.c.issuer);
  const s1 = await connect(pods.a.url, u.token);
  const s2 = await connect(pods.b.url, u.token);
  const s3 = await connect(pods.a.url, u.token);
  await assert.rejects(connect(pods.b.url, u.token), /RATE_LIMITED/);
  s1.close();
  // Once the closed socket is counted out, there is room again.
  let s4;
  await waitFor('a free slot', async () => {
    s4 = await connect(pods.b.url, u.token).catch(() => undefined);
    return s4 !== undefined;
  });
  for (const s of [s2, s3, s4 as unknown as { close(): void }]) s.close();
});

test('a socket packet over the size cap closes that socket, and nothing else', async () => {
  const u = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', u.token, { name: 'big', memberIds: [] });
  const s = connectSocket(pods.a.url, { path: '/socket.io/', auth: { token: u.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((r) => s.once("connect", () => r()));
  const gone = new Promise<string>((r) => s.once('disconnect', (reason) => r(reason)));
  s.emit('message:send', { roomId: room.body.id, body: 'x'.repeat(100_000), clientMsgId: 'huge' }, () => undefined);
  assert.equal(await gone, 'transport close');
  const ok = await connect(pods.a.url, u.token);
  const ack = await emit(ok, 'message:send', { roomId: room.body.id, body: 'x'.repeat(4000), clientMsgId: 'max' });
  assert.equal(ack.ok, true, 'a 4000-character body fits under the cap');
  const hist = await rest(pods.a.url, 'GET', `/rooms/${room.body.id}/messages`, u.token);
  assert.deepEqual(hist.body.messages.map((m: { clientMsgId: string }) => m.clientMsgId), ['max']);
  ok.close();
});

/** How many of a flood fired at once may pass: the burst, plus at most one refill of the window it crosses. */
function assertWithinDefault(action: LimitedAction, ok: number) {
  const l = DEFAULT_LIMITS[action];
  assert.ok(ok >= l.burst && ok <= l.burst + l.points, `${action}: ${ok} passed, the default allows ${l.burst} at once (${l.points}/${l.durationSeconds}s after)`);
}

function assertSocketLimited(action: string, acks: any[]) {
  const limited = acks.filter((a) => !a.ok);
  assert.ok(limited.length > 0, `${action}: the flood is limited`);
  for (const a of limited) {
    assert.equal(a.error.code, 'RATE_LIMITED', `${action}: ${JSON.stringify(a)}`);
    assert.ok(a.error.details.retryAfterSeconds >= 1 && a.error.details.retryAfterMs > 0, `${action}: a retry hint, ${JSON.stringify(a)}`);
  }
}

/** A user with a room of their own, a message in it and a socket: what each socket event needs. */
async function member(pod: { url: string }): Promise<{ token: string; roomId: string; socket: Socket }> {
  const u = await user(pods.c.issuer);
  const room = await rest(pod.url, 'POST', '/rooms', u.token, { name: 'flood', memberIds: [] });
  assert.equal(room.status, 201);
  assert.equal((await rest(pod.url, 'POST', `/rooms/${room.body.id}/messages`, u.token, { body: 'm', clientMsgId: 'm1' })).status, 201);
  return { token: u.token, roomId: room.body.id, socket: await connect(pod.url, u.token) };
}

const SOCKET_EVENTS: { event: string; action: LimitedAction; payload: (roomId: string) => unknown }[] = [
  { event: 'typing', action: 'typing', payload: (roomId) => ({ roomId, typing: true }) },
  { event: 'message:edit', action: 'message:edit', payload: (roomId) => ({ roomId, seq: 1, body: 'edited' }) },
  { event: 'message:delete', action: 'message:delete', payload: (roomId) => ({ roomId, seq: 1 }) },
  { event: 'room:read', action: 'room:read', payload: (roomId) => ({ roomId, seq: 1 }) },
  { event: 'room:sync', action: 'room:sync', payload: (roomId) => ({ roomId, afterSeq: 0 }) },
  { event: 'room:changes', action: 'room:sync', payload: (roomId) => ({ roomId, afterRev: 0 }) },
  { event: 'reaction:add', action: 'reaction', payload: (roomId) => ({ roomId, seq: 1, emoji: '👍' }) },
];

for (const { event, action, payload } of SOCKET_EVENTS) {
  test(`${event} flooded by one user ends in RATE_LIMITED with a retry hint (default limit); another user is served`, async () => {
    const flooder = await member(pods.a);
    const other = await member(pods.b);
    const n = DEFAULT_LIMITS[action].burst * 3;
    const acks = await Promise.all(Array.from({ length: n }, () => emit(flooder.socket, event, payload(flooder.roomId))));
    assertSocketLimited(event, acks);
    assertWithinDefault(action, acks.filter((a) => a.ok).length);
    // The same user is limited on the other pod too (Redis), the other user is not.
    const again = await emit(await connect(pods.b.url, flooder.token), event, payload(flooder.roomId));
    assert.equal(again.ok ? 'ok' : again.error.code, 'RATE_LIMITED', 'counted over both pods');
    const served = await Promise.all(Array.from({ length: 3 }, () => emit(other.socket, event, payload(other.roomId))));
    assert.deepEqual(served.map((a) => a.ok), [true, true, true], JSON.stringify(served));
    flooder.socket.close();
    other.socket.close();
  });
}

function assertRestLimited(what: string, replies: { status: number; headers: Headers; body: any }[], okStatus: number) {
  const limited = replies.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, `${what}: the flood is limited`);
  for (const r of limited) {
    assert.equal(r.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(r.headers.get('retry-after')) >= 1, `${what}: Retry-After, got ${r.headers.get('retry-after')}`);
  }
  assert.ok(replies.every((r) => r.status === 429 || r.status === okStatus), `${what}: ${JSON.stringify(replies.map((r) => r.status))}`);
  return replies.filter((r) => r.status === okStatus).length;
}

test('POST /rooms flooded by one user ends in 429 RATE_LIMITED with Retry-After (default limit); another user is served', async () => {
  const u = await user(pods.c.issuer);
  const v = await user(pods.c.issuer);
  const n = DEFAULT_LIMITS['room:create'].burst * 3;
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => rest(i % 2 ? pods.a.url : pods.b.url, 'POST', '/rooms', u.token, { name: `r${i}`, memberIds: [] })));
  assertWithinDefault('room:create', assertRestLimited('POST /rooms', replies, 201));
  assert.equal((await rest(pods.a.url, 'POST', '/rooms', v.token, { name: 'mine', memberIds: [] })).status, 201);
});

test('member changes flooded by one admin end in 429 RATE_LIMITED with Retry-After (default limit); another admin is served', async () => {
  const u = await user(pods.c.issuer);
  const v = await user(pods.c.issuer);
  const room = (await rest(pods.a.url, 'POST', '/rooms', u.token, { name: 'members', memberIds: [] })).body.id as string;
  const vRoom = (await rest(pods.a.url, 'POST', '/rooms', v.token, { name: 'v members', memberIds: [] })).body.id as string;
  const budget = DEFAULT_LIMITS['room:members'].burst;
  const adds = await Promise.all(Array.from({ length: budget - 10 }, (_, i) => rest(i % 2 ? pods.a.url : pods.b.url, 'POST', `/rooms/${room}/members`, u.token, { userId: randomUUID() })));
  assert.deepEqual([...new Set(adds.map((r) => r.status))], [201]);
  // Adds and removals share one budget: at most the ten left of it admit removals, the rest are
  // refused. Fewer than ten may fit: a pod that leased points ahead while the bucket was far from
  // empty (limits/token-lease.ts) and did not spend them all refuses early by what it holds.
  const removals = await Promise.all(adds.map((r, i) => rest(i % 2 ? pods.a.url : pods.b.url, 'DELETE', `/rooms/${room}/members/${r.body.userId}`, u.token)));
  const removed = assertRestLimited('member removals', removals, 204);
  assert.ok(removed >= 1 && removed <= 10, `removals admitted: ${removed} (the ten left of the budget, less what the pods leased and did not spend)`);
  const more = await rest(pods.a.url, 'POST', `/rooms/${room}/members`, u.token, { userId: randomUUID() });
  assert.equal(more.status, 429);
  const added = await rest(pods.b.url, 'POST', `/rooms/${vRoom}/members`, v.token, { userId: randomUUID() });
  assert.equal(added.status, 201);
  assert.equal((await rest(pods.a.url, 'DELETE', `/rooms/${vRoom}/members/${added.body.userId}`, v.token)).status, 204);
});
