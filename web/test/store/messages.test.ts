// The messages slice over a fake api and socket: the seq merge of every path (history, live, sync,
// ack), the optimistic send reconciled by clientMsgId, and sync's catch-up from the last seq held.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Api } from '../../src/lib/api';
import { aMessage, aRoom, type Harness, harness, ME, page, roomId, settle, signIn } from './store.fakes';

const R = roomId(1);
const seqs = (h: Harness) => h.store.messages.thread(R)?.messages.map((m) => m.seq);

describe('messages store', () => {
  let h: Harness;

  async function withRoom(lastSeq: number, impl: Partial<Api> = {}) {
    const history = Array.from({ length: lastSeq }, (_, i) => aMessage(R, i + 1));
    h = harness({
      rooms: async () => ({ rooms: [aRoom(R, { lastSeq, unreadCount: 0, readSeq: lastSeq })] }),
      history: async () => page(history),
      ...impl,
    });
    await signIn(h);
    await h.store.rooms.reload();
    return history;
  }

  beforeEach(() => {
    h = undefined as unknown as Harness;
  });
  afterEach(() => {
    h?.store.live.stop();
    h?.store.dispose();
  });

  test('a thread opens with the latest page in seq order', async () => {
    await withRoom(3);
    await h.store.messages.open(R);
    assert.deepEqual(seqs(h), [1, 2, 3]);
    assert.equal(h.store.messages.thread(R)?.loaded, true);
  });

  test('messages from every path merge by seq: in order, never twice, a newer copy replaces the old', async () => {
    await withRoom(3);
    await h.store.messages.open(R);
    const edited = aMessage(R, 2, { body: 'edited', editedAt: '2026-01-03T00:00:00.000Z', rev: 6 });
    h.store.messages.apply(R, [aMessage(R, 5), aMessage(R, 4), aMessage(R, 3), edited]);
    assert.deepEqual(seqs(h), [1, 2, 3, 4, 5]);
    assert.equal(h.store.messages.thread(R)?.messages[1]?.body, 'edited');
    assert.equal(h.store.rooms.get(R)?.knownSeq, 5);
  });

  test('a message older than the loaded run waits for its page while more history exists', async () => {
    const history = Array.from({ length: 60 }, (_, i) => aMessage(R, i + 1));
    await withRoom(60, { history: async () => page(history.slice(10), true) });
    await h.store.messages.open(R);
    assert.equal(seqs(h)?.[0], 11);
    h.store.messages.apply(R, [aMessage(R, 3, { body: 'edited' })]);
    assert.equal(seqs(h)?.[0], 11, 'not spliced in front of a gap');
    h.api.set({ history: async () => page(history.slice(0, 10), false) });
    await h.store.messages.loadOlder(R);
    assert.deepEqual(seqs(h), history.map((m) => m.seq));
    assert.equal(h.store.messages.thread(R)?.hasMore, false);
    const before = h.api.calls.filter((c) => c.name === 'history').at(-1)?.args[1];
    assert.deepEqual(before, { before: 11, limit: 50 });
  });

  test('sync asks room:sync from the last seq held and pages until the server has no more', async () => {
    await withRoom(2);
    await h.store.messages.open(R);
    h.socket.connect();
    const extra = [3, 4, 5, 6].map((s) => aMessage(R, s));
    h.socket.answer('room:sync', (p: { afterSeq: number }) => {
      const rest = extra.filter((m) => m.seq > p.afterSeq);
      return { ok: true, messages: rest.slice(0, 2), hasMore: rest.length > 2 };
    });
    h.store.connection.setSocket(h.socket as never);
    await h.store.messages.sync(R);
    assert.deepEqual(
      h.socket.emitted('room:sync').map((p) => p.afterSeq),
      [2, 4],
    );
    assert.deepEqual(seqs(h), [1, 2, 3, 4, 5, 6]);
  });

  test('a send shows a pending bubble that the ack replaces, matched by clientMsgId', async () => {
    await withRoom(1);
    await h.store.messages.open(R);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    h.socket.answer('message:send', async (p: { clientMsgId: string; body: string }) => {
      await held;
      return { ok: true, message: aMessage(R, 2, { senderId: ME, body: p.body, clientMsgId: p.clientMsgId }) };
    });
    h.socket.connect();
    h.store.connection.setSocket(h.socket as never);

    h.store.messages.send(R, 'hello');
    const pending = h.store.messages.thread(R)?.pending ?? [];
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.state, 'sending');
    assert.equal(h.socket.emitted('message:send')[0]?.clientMsgId, pending[0]?.clientMsgId);

    release();
    await settle();
    assert.equal(h.store.messages.thread(R)?.pending.length, 0);
    assert.deepEqual(seqs(h), [1, 2]);
    assert.equal(h.store.messages.thread(R)?.messages[1]?.body, 'hello');
  });

  test('the live echo of an own message confirms its pending bubble once, and the ack after it adds nothing', async () => {
    await withRoom(1);
    await h.store.messages.open(R);
    let ackWith!: (m: unknown) => void;
    h.socket.answer('message:send', () => new Promise((r) => (ackWith = r)));
    h.socket.connect();
    h.store.connection.setSocket(h.socket as never);
    h.store.messages.send(R, 'hi');
    await settle();
    const clientMsgId = h.store.messages.thread(R)!.pending[0]!.clientMsgId;
    const stored = aMessage(R, 2, { senderId: ME, body: 'hi', clientMsgId });
    h.store.messages.apply(R, [stored]);
    assert.equal(h.store.messages.thread(R)?.pending.length, 0);
    ackWith({ ok: true, message: stored });
    await settle();
    assert.deepEqual(seqs(h), [1, 2]);
  });

  test('without a connection a send fails as "Not sent yet" and is resent with the same clientMsgId', async () => {
    await withRoom(1);
    await h.store.messages.open(R);
    h.store.messages.send(R, 'offline words');
    await settle();
    const p = h.store.messages.thread(R)!.pending[0]!;
    assert.equal(p.state, 'failed');
    assert.equal(p.error, 'Not sent yet');
    assert.equal(p.retryable, true);

    h.socket.answer('message:send', (x: { clientMsgId: string; body: string }) => ({
      ok: true,
      message: aMessage(R, 2, { senderId: ME, body: x.body, clientMsgId: x.clientMsgId }),
    }));
    h.socket.connect();
    h.store.connection.setSocket(h.socket as never);
    h.store.messages.resendFailed();
    await settle();
    assert.equal(h.socket.emitted('message:send')[0]?.clientMsgId, p.clientMsgId);
    assert.equal(h.store.messages.thread(R)?.pending.length, 0);
    assert.deepEqual(seqs(h), [1, 2]);
  });

  test('a refused send stays failed with the server reason and is not resent by itself', async () => {
    await withRoom(0);
    await h.store.messages.open(R);
    h.socket.answer('message:send', () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'Not a member' } }));
    h.socket.connect();
    h.store.connection.setSocket(h.socket as never);
    h.store.messages.send(R, 'x');
    await settle();
    const p = h.store.messages.thread(R)!.pending[0]!;
    assert.deepEqual([p.state, p.error, p.retryable], ['failed', 'Not a member', false]);
    h.store.messages.resendFailed();
    await settle();
    assert.equal(h.socket.emitted('message:send').length, 1);
  });

  test('an edit and a delete go over the socket when connected, over REST when not', async () => {
    await withRoom(2, {
      editMessage: async (_r: string, seq: number, body: string) => aMessage(R, seq, { senderId: ME, body, rev: 10 }),
      deleteMessage: async () => undefined,
    });
    await h.store.messages.open(R);
    await h.store.messages.edit(R, 1, 'by rest');
    assert.equal(h.store.messages.thread(R)?.messages[0]?.body, 'by rest');
    await h.store.messages.remove(R, 2);
    assert.ok(h.store.messages.thread(R)?.messages[1]?.deletedAt);
    assert.deepEqual(
      h.api.calls.filter((c) => c.name === 'editMessage' || c.name === 'deleteMessage').map((c) => c.name),
      ['editMessage', 'deleteMessage'],
    );

    h.socket.answer('message:edit', (p: { seq: number; body: string }) => ({
      ok: true,
      message: aMessage(R, p.seq, { senderId: ME, body: p.body, rev: 11 }),
    }));
    h.socket.connect();
    h.store.connection.setSocket(h.socket as never);
    await h.store.messages.edit(R, 1, 'by socket');
    assert.equal(h.store.messages.thread(R)?.messages[0]?.body, 'by socket');
    assert.equal(h.socket.emitted('message:edit').length, 1);
  });
});
