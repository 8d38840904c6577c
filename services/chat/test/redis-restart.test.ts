import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Message } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { connect, emit, rest, type User, user, useTwoPods } from './harness';

const pods = useTwoPods();

/** A member's view: messages by seq from real time, completed by room:sync from the last seq held in order. */
class Inbox {
  readonly bySeq = new Map<number, Message>();
  pushed = 0;
  constructor(readonly socket: Socket) {
    socket.on('message:new', (m: Message) => {
      this.pushed++;
      this.bySeq.set(m.seq, m);
    });
  }
  contiguous(): number {
    let n = 0;
    while (this.bySeq.has(n + 1)) n++;
    return n;
  }
  async sync(roomId: string): Promise<void> {
    for (;;) {
      const page = await emit(this.socket, 'room:sync', { roomId, afterSeq: this.contiguous(), limit: 500 });
      assert.equal(page.ok, true);
      for (const m of page.messages as Message[]) this.bySeq.set(m.seq, m);
      if (!page.hasMore) return;
    }
  }
}

test('Redis restart: sends keep being acked during the outage, afterwards delivery is complete and ordered', async () => {
  const alice: User = await user(pods.c.issuer);
  const bob: User = await user(pods.c.issuer);
  const room = await rest(pods.a.url, 'POST', '/rooms', alice.token, { name: 'redis', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const sa = await connect(pods.a.url, alice.token);
  const bobInbox = new Inbox(await connect(pods.b.url, bob.token));
  const send = async (body: string, clientMsgId: string) => {
    const t0 = Date.now();
    const ack = await emit(sa, 'message:send', { roomId, body, clientMsgId }, 5000);
    assert.equal(ack.ok, true, JSON.stringify(ack));
    return Date.now() - t0;
  };

  for (let i = 1; i <= 5; i++) await send(`before ${i}`, `before-${i}`);
  await waitFor('cross-pod real time before the outage', () => bobInbox.bySeq.size === 5);

  await pods.c.redis.kill();
  const latencies: number[] = [];
  for (let i = 1; i <= 20; i++) latencies.push(await send(`during ${i}`, `during-${i}`));
  assert.ok(Math.max(...latencies) < 2000, `acks stay prompt while Redis is down (max ${Math.max(...latencies)} ms)`);
  // Stored and readable from the other pod all along: PostgreSQL is the truth.
  const hist = await rest(pods.b.url, 'GET', `/rooms/${roomId}/messages?after=0&limit=200`, bob.token);
  assert.equal(hist.body.messages.length, 25);

  await pods.c.redis.restart();
  // Real time resumes once both pods' adapters are back: probe until a fresh message crosses pods.
  let probe = 0;
  await waitFor(
    'real time across pods after the restart',
    async () => {
      probe++;
      const pushedBefore = bobInbox.pushed;
      await send(`probe ${probe}`, `probe-${probe}`);
      await new Promise((r) => setTimeout(r, 150));
      return bobInbox.pushed > pushedBefore;
    },
    20_000,
    100,
  );
  for (let i = 1; i <= 20; i++) await send(`after ${i}`, `after-${i}`);
  const total = 25 + probe + 20;
  await waitFor('the messages after the outage arrive in real time', () => bobInbox.bySeq.has(total), 5000);

  // What real time missed during the outage, sync fills in: every seq once, in order.
  await bobInbox.sync(roomId);
  const seqs = [...bobInbox.bySeq.keys()].sort((x, y) => x - y);
  assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1));
  const bodies = seqs.map((s) => bobInbox.bySeq.get(s)?.body);
  assert.deepEqual(bodies.slice(0, 25), [
    ...Array.from({ length: 5 }, (_, i) => `before ${i + 1}`),
    ...Array.from({ length: 20 }, (_, i) => `during ${i + 1}`),
  ]);
  assert.deepEqual(bodies.slice(-20), Array.from({ length: 20 }, (_, i) => `after ${i + 1}`));
  assert.equal((await fetch(`${pods.a.url}/readyz`)).status, 200);
  sa.close();
  bobInbox.socket.close();
});
