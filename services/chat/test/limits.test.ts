import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io as connectSocket } from 'socket.io-client';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, user, useTwoPods } from './harness';

// The contract's defaults for the send rate (10/s, burst 20); a small socket cap and packet size.
const pods = useTwoPods({ SEND_RATE_PER_SECOND: '10', SEND_BURST: '20', MAX_SOCKETS_PER_USER: '3', SOCKET_MAX_PAYLOAD_BYTES: '32768', LOG_LEVEL: 'info' });

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
  assert.ok(limited.every((x) => x.error.code === 'RATE_LIMITED' && x.error.details.retryAfterMs > 0), JSON.stringify(limited[0]));
  const r = await rest(pods.b.url, 'POST', `/rooms/${room.body.id}/messages`, u.token, { body: 'one more', clientMsgId: 'rl-rest' });
  assert.equal(r.status, 429);
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
