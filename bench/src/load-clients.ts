// The client protocols a load worker speaks, behind one small shape: socket.io-client (bare ceiling and
// chat) and Centrifugo's JS SDK `centrifuge` over `ws` (Node has no WebSocket the SDK can take as is).
// What each library does differently (handshake, ack, how a message carries its sender) stays here.
import { Centrifuge, errorCodes, type ServerPublicationContext } from 'centrifuge';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { SocketSpec } from './load-protocol';

/** A chat message as a member sees it: who sent it (as the server knows them), its body, the sender's id for it. */
export interface Incoming {
  senderId?: unknown;
  body?: unknown;
  clientMsgId?: unknown;
}

export interface Outgoing {
  roomId: string;
  body: string;
  clientMsgId: string;
}

export interface ClientConnection {
  /** Sends one message; `done` gets undefined once the server acknowledged it, else an error code. */
  send(m: Outgoing, done: (error: string | undefined) => void): void;
  close(): void;
}

export interface ConnectOptions {
  /** How long a send may wait for its acknowledgement. */
  ackTimeoutMs: number;
  connectTimeoutMs: number;
}

export function connectClient(spec: SocketSpec, onMessage: (m: Incoming) => void, o: ConnectOptions): Promise<ClientConnection> {
  return spec.protocol === 'centrifugo' ? connectCentrifugo(spec, onMessage, o) : connectSocketIo(spec, onMessage, o);
}

type SendAck = { ok?: boolean; error?: { code?: string } };

function connectSocketIo(spec: SocketSpec, onMessage: (m: Incoming) => void, o: ConnectOptions): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const s = io(spec.url, {
      path: '/socket.io/',
      auth: spec.auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: o.connectTimeoutMs,
    });
    s.once('connect', () => {
      s.on('message:new', onMessage);
      resolve({
        send(m, done) {
          s.timeout(o.ackTimeoutMs).emit('message:send', m, (err: Error | null, ack?: SendAck) =>
            done(err ? 'ACK_TIMEOUT' : ack?.ok ? undefined : (ack?.error?.code ?? 'BAD_ACK')),
          );
        },
        close: () => void s.close(),
      });
    });
    s.once('connect_error', (e) => {
      s.close();
      reject(e);
    });
  });
}

/** Centrifugo's WebSocket endpoint on a node's HTTP port. */
export function centrifugoEndpoint(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/connection/websocket`;
}

/**
 * One Centrifugo connection: the token's `channels` claim subscribes it to its rooms on the server side
 * (so, like a chat socket, it is in its rooms once connected), a send is a client-side publish into the
 * room's channel, and the sender comes from the publication's client info (the token's `sub`), not from
 * the payload. The SDK reconnects by itself; a connection that fails before it is up is closed instead,
 * as socket.io's `reconnection: false` does.
 */
function connectCentrifugo(spec: SocketSpec, onMessage: (m: Incoming) => void, o: ConnectOptions): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const c = new Centrifuge(centrifugoEndpoint(spec.url), {
      token: String(spec.auth.token),
      websocket: WebSocket,
      // Applies to the connect command and to every publish: the ack timeout of the other clients.
      timeout: o.ackTimeoutMs,
    });
    let up = false;
    const fail = (why: string) => {
      if (up) return;
      up = true;
      clearTimeout(timer);
      c.disconnect();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`not connected after ${o.connectTimeoutMs} ms`), o.connectTimeoutMs);
    c.on('error', (ctx) => fail(`${ctx.type}: ${ctx.error.code} ${ctx.error.message}`));
    c.on('disconnected', (ctx) => fail(`disconnected: ${ctx.code} ${ctx.reason}`));
    c.on('publication', (ctx: ServerPublicationContext) => {
      const d = ctx.data as { body?: unknown; clientMsgId?: unknown } | null;
      onMessage({ senderId: ctx.info?.user, body: d?.body, clientMsgId: d?.clientMsgId });
    });
    c.once('connected', () => {
      if (up) return;
      up = true;
      clearTimeout(timer);
      resolve({
        send(m, done) {
          c.publish(m.roomId, { body: m.body, clientMsgId: m.clientMsgId }).then(
            () => done(undefined),
            (e: { code?: number }) => done(e?.code === errorCodes.timeout ? 'ACK_TIMEOUT' : `CENTRIFUGO_${e?.code ?? '?'}`),
          );
        },
        close: () => c.disconnect(),
      });
    });
    c.connect();
  });
}
