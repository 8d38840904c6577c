// The Engine.IO v4 / Socket.IO v5 codec of the k6 scripts (k6/lib/socketio.js, plain JavaScript for
// k6), imported as the ES module it is.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

let io: Record<string, any>;
before(async () => {
  io = (await import(pathToFileURL(join(__dirname, '../../k6/lib/socketio.js')).href)) as Record<string, any>;
});

test('packets the client sends: connect with auth, events with and without an ack id, pong', () => {
  assert.equal(io.encodeConnect({ token: 't' }), '40{"token":"t"}');
  assert.equal(io.encodeEvent('message:send', { roomId: 'r' }, 7), '427["message:send",{"roomId":"r"}]');
  assert.equal(io.encodeEvent('typing', { typing: true }), '42["typing",{"typing":true}]');
  assert.equal(io.PONG, '3');
  assert.equal(io.socketIoUrl('https://chat.example.com/'), 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket');
  assert.equal(io.socketIoUrl('http://127.0.0.1:3002'), 'ws://127.0.0.1:3002/socket.io/?EIO=4&transport=websocket');
});

test('packets the server sends decode to what they mean', () => {
  assert.deepEqual(io.decodeFrame('0{"sid":"a","pingInterval":25000}'), { kind: 'open', data: { sid: 'a', pingInterval: 25000 } });
  assert.deepEqual(io.decodeFrame('2'), { kind: 'ping' });
  assert.deepEqual(io.decodeFrame('40{"sid":"s1"}'), { kind: 'connect', data: { sid: 's1' } });
  assert.deepEqual(io.decodeFrame('44{"message":"UNAUTHENTICATED"}'), { kind: 'connect_error', message: 'UNAUTHENTICATED' });
  assert.deepEqual(io.decodeFrame('42["message:new",{"seq":3}]'), { kind: 'event', event: 'message:new', args: [{ seq: 3 }], ackId: undefined });
  assert.deepEqual(io.decodeFrame('4312[{"ok":true}]'), { kind: 'ack', ackId: 12, args: [{ ok: true }] });
  assert.deepEqual(io.decodeFrame('42/admin,5["x",1]'), { kind: 'event', event: 'x', args: [1], ackId: 5 });
  assert.deepEqual(io.decodeFrame('41'), { kind: 'disconnect' });
});

test('what is not a packet is reported as unknown, never thrown', () => {
  for (const raw of ['', '9', '42not json', '42[1,2]', '4x']) assert.equal(io.decodeFrame(raw).kind, 'unknown', raw);
  assert.equal(io.decodeFrame(undefined).kind, 'unknown');
});

test('the client answers pings, connects with its auth, and pairs acks with their sends', async () => {
  const sent: string[] = [];
  const made: FakeSocket[] = [];
  // A stand-in for a server: only the frames this test scripts.
  class FakeSocket {
    onmessage: ((e: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly url: string) {
      made.push(this);
    }
    send(d: string) {
      sent.push(d);
    }
    close() {
      this.onclose?.();
    }
  }
  const c = new io.SocketIoClient(FakeSocket, 'ws://x', { token: 'tok' });
  const ws = made[0] as FakeSocket;
  ws.onmessage?.({ data: '0{"sid":"e"}' });
  assert.deepEqual(sent, ['40{"token":"tok"}']);
  ws.onmessage?.({ data: '40{"sid":"s"}' });
  assert.deepEqual(await c.connect(1000), { sid: 's' });
  ws.onmessage?.({ data: '2' });
  assert.equal(sent.at(-1), '3');
  const got: unknown[] = [];
  c.on('message:new', (m: unknown) => got.push(m));
  ws.onmessage?.({ data: '42["message:new",{"seq":1}]' });
  assert.deepEqual(got, [{ seq: 1 }]);
  const ack = c.emitWithAck('message:send', { body: 'b' }, 1000);
  assert.equal(sent.at(-1), '420["message:send",{"body":"b"}]');
  ws.onmessage?.({ data: '430[{"ok":true}]' });
  assert.deepEqual(await ack, { ok: true });
  await assert.rejects(c.emitWithAck('message:send', {}, 20), /no answer in 20 ms/);
  c.close();
});

test('a refused connect rejects with the server’s reason', async () => {
  const made: any[] = [];
  const Ctor = class {
    onmessage: any;
    onclose: any;
    onerror: any;
    constructor() {
      made.push(this);
    }
    send() {}
    close() {
      this.onclose?.();
    }
  };
  const c = new io.SocketIoClient(Ctor, 'ws://x', { token: 'bad' });
  const ws = made[0];
  ws.onmessage({ data: '0{}' });
  ws.onmessage({ data: '44{"message":"UNAUTHENTICATED"}' });
  await assert.rejects(c.connect(1000), /connect refused: UNAUTHENTICATED/);
});
