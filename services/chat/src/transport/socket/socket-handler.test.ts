import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { Server } from 'socket.io';
import {
  AppError,
  ClientEvent,
  clientEventSchemas,
  createRoomBodySchema,
  type Message,
  roomIdParamSchema,
  sendMessageBodySchema,
  uuidSchema,
} from '@converge/protocol';
import { createMetrics } from '@converge/runtime';
import type { TokenVerifier } from '../../auth/token-verifier';
import { createChatMetrics } from '../../chat.metrics';
import { ChatService } from '../../domain/chat.service';
import { fakeRepositories, RecordingNotifier } from '../../domain/ports.fakes';
import { registerMessageHandlers } from './message.handlers';
import { createHandle, type Handle, handler } from './socket-handler';
import { SocketWork } from './socket-work';
import type { ChatIo, ChatSocket } from './socket.types';

const tick = () => new Promise((r) => setImmediate(r));

test('the handler acks success and failure in the contract shape, with the payload before the callback', async () => {
  const work = new SocketWork();
  const acks: unknown[] = [];
  const seen: unknown[] = [];
  const h = handler(async (p: unknown) => {
    seen.push(p);
    if ((p as { fail?: boolean }).fail) throw new AppError('NOT_FOUND', 'no such room');
    return { echoed: true };
  }, () => undefined, work);
  h({ a: 1 }, (a: unknown) => acks.push(a));
  h({ fail: true }, (a: unknown) => acks.push(a));
  await tick();
  assert.deepEqual(seen, [{ a: 1 }, { fail: true }]);
  assert.deepEqual(acks, [{ ok: true, echoed: true }, { ok: false, error: { code: 'NOT_FOUND', message: 'no such room' } }]);
  assert.equal(work.inFlight, 0);
});

test('no ack callback, no payload, extra arguments, a synchronous throw or a throwing ack never escape', async () => {
  const work = new SocketWork();
  const errors: unknown[] = [];
  const h = handler((p: unknown) => {
    if (p === 'sync') throw new Error('boom');
    return Promise.reject(new AppError('VALIDATION_FAILED', 'bad'));
  }, (e: unknown) => errors.push(e), work);
  h();
  h('junk');
  h('sync');
  h(1, 2, 3);
  h({}, () => {
    throw new Error('client callback failed');
  });
  await tick();
  await tick();
  assert.equal(work.inFlight, 0);
  assert.ok(errors.some((e) => (e as Error).message === 'client callback failed'));
});

test('while draining, new work is refused with UNAVAILABLE and work under way still finishes', async () => {
  const work = new SocketWork();
  let release!: () => void;
  const acks: unknown[] = [];
  const h = handler(() => new Promise<object>((r) => (release = () => r({ done: 1 }))), () => undefined, work);
  h({}, (a: unknown) => acks.push(a));
  assert.equal(work.inFlight, 1);
  work.draining = true;
  h({}, (a: unknown) => acks.push(a));
  const settled = work.settled(2000);
  release();
  await settled;
  assert.deepEqual(acks, [
    { ok: false, error: { code: 'UNAVAILABLE', message: 'this server is shutting down; reconnect and retry' } },
    { ok: true, done: 1 },
  ]);
});

/**
 * Compiled by the build, never run: each call below disagrees with the protocol's event map, and
 * the build fails (an unused @ts-expect-error) the day `Handle` stops rejecting it.
 */
export function handleRejectsWhatTheProtocolDoesNot(handle: Handle, socket: ChatSocket, message: Message): void {
  // The right shapes compile.
  handle(socket, ClientEvent.MessageSend, async (p) => ({ message: { ...message, body: p.body } }));
  handle(socket, ClientEvent.RoomSync, async (p) => ({ messages: [], hasMore: p.afterSeq > 0 }));
  // @ts-expect-error the payload of message:send has a string roomId
  handle(socket, ClientEvent.MessageSend, async (p: { roomId: number }) => ({ message: { ...message, seq: p.roomId } }));
  // @ts-expect-error message:edit's payload has no clientMsgId to read
  handle(socket, ClientEvent.MessageEdit, async (p) => ({ message: { ...message, clientMsgId: p.clientMsgId } }));
  // @ts-expect-error message:send acks with the stored message, not a page
  handle(socket, ClientEvent.MessageSend, async () => ({ messages: [message], hasMore: false }));
  // @ts-expect-error room:sync's ack must say whether there is more
  handle(socket, ClientEvent.RoomSync, async () => ({ messages: [message] }));
  // @ts-expect-error no such client event
  handle(socket, 'message:sned', async () => ({}));
}

interface Rig {
  client: ClientSocket;
  roomId: string;
  repos: ReturnType<typeof fakeRepositories>;
  close(): Promise<void>;
}

/** A real Socket.IO server and client, the real ChatService over the in-memory repositories. */
async function rig(): Promise<Rig> {
  const alice = randomUUID();
  const repos = fakeRepositories();
  const chat = new ChatService(repos, new RecordingNotifier());
  const { room } = await chat.createRoom(alice, createRoomBodySchema.parse({ name: 'r', memberIds: [] }));
  const metrics = createChatMetrics(createMetrics('chat-test'));
  const http = createServer();
  const io: ChatIo = new Server(http, { serveClient: false });
  const handle = createHandle({ work: new SocketWork(), onError: () => undefined });
  io.on('connection', (socket) => {
    socket.data.userId = alice;
    registerMessageHandlers(socket, { chat, metrics, handle, tokens: {} as TokenVerifier, limits: { consume: async () => undefined } });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  await new Promise<void>((r, j) => client.once('connect', r).once('connect_error', j));
  return {
    client,
    roomId: room.id,
    repos,
    async close() {
      client.close();
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
}

/**
 * Counts the parses of every schema the socket path used to parse a send with (the helper's, and the
 * domain's second pass): each schema's own `safeParse` is wrapped (zod defines it lazily on the prototype).
 */
function countParses(): { count(): number; restore(): void } {
  let n = 0;
  const schemas: { safeParse(input: unknown): unknown }[] = [clientEventSchemas[ClientEvent.MessageSend], sendMessageBodySchema, roomIdParamSchema, uuidSchema];
  const saved = schemas.map((schema) => {
    const own = Object.getOwnPropertyDescriptor(schema, 'safeParse');
    const original = schema.safeParse;
    Object.defineProperty(schema, 'safeParse', {
      configurable: true,
      writable: true,
      value: (input: unknown) => {
        n++;
        return original.call(schema, input);
      },
    });
    return { schema, own };
  });
  return {
    count: () => n,
    restore: () => {
      for (const { schema, own } of saved) {
        if (own) Object.defineProperty(schema, 'safeParse', own);
        else delete (schema as { safeParse?: unknown }).safeParse;
      }
    },
  };
}

test('a malformed message:send is parsed exactly once and answered with one clear VALIDATION_FAILED ack', async () => {
  const r = await rig();
  const parses = countParses();
  try {
    const ack = await r.client.timeout(2000).emitWithAck(ClientEvent.MessageSend, { roomId: r.roomId, body: '   ', clientMsgId: 'a' });
    assert.deepEqual(ack, { ok: false, error: ack.error });
    assert.equal(ack.error.code, 'VALIDATION_FAILED');
    assert.match(ack.error.message, /^body: /);
    assert.equal(parses.count(), 1, 'the payload is parsed once, by the helper');
    assert.equal(r.repos.store.messages.length, 0, 'nothing stored');
    // The socket is still there and a well-formed send goes through, again with one parse.
    const ok = await r.client.timeout(2000).emitWithAck(ClientEvent.MessageSend, { roomId: r.roomId, body: 'hi', clientMsgId: 'a' });
    assert.equal(ok.ok, true);
    assert.equal(ok.message.seq, 1);
    assert.equal(parses.count(), 2, 'the domain never parses the payload again');
  } finally {
    parses.restore();
    await r.close();
  }
});
