// The one Socket.IO connection of the app, typed by the contract's event maps. Library quirks (ack
// timeouts, the auth callback read on every reconnect) stay here; the stores see promises.
import type {
  ClientEventAcks,
  ClientEventName,
  ClientEventPayload,
  ClientToServerEvents,
  ErrorCode,
  ServerToClientEvents,
} from '@converge/protocol';
import { io, type Socket } from 'socket.io-client';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** An ack that said `{ok:false}`, or TIMEOUT when none came in time (the event may still have been applied). */
export class AckFailure extends Error {
  constructor(
    readonly code: ErrorCode | 'TIMEOUT' | 'DISCONNECTED',
    message: string,
  ) {
    super(message);
    this.name = 'AckFailure';
  }
}

export function createChatSocket(accessToken: () => string | null): ChatSocket {
  return io({
    path: '/socket.io/',
    // WebSocket only: long-polling would need sticky sessions across chat pods; every browser we
    // target has WebSocket.
    transports: ['websocket'],
    autoConnect: false,
    // Read on every (re)connect, so a reconnect after a refresh presents the new token.
    auth: (cb) => cb({ token: accessToken() ?? '' }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.3,
    timeout: 8000,
  }) as ChatSocket;
}

/** Emits a client event and resolves with the success ack, or rejects with an AckFailure. */
export function emitWithAck<E extends ClientEventName>(
  socket: ChatSocket,
  event: E,
  payload: ClientEventPayload<E>,
  timeoutMs = 8000,
): Promise<ClientEventAcks[E]> {
  if (!socket.connected) return Promise.reject(new AckFailure('DISCONNECTED', 'Not connected'));
  return new Promise((resolve, reject) => {
    // socket.io's typed emit cannot follow a generic event name; the payload and ack are typed above.
    const emitter = socket.timeout(timeoutMs) as unknown as {
      emit(ev: string, p: unknown, cb: (err: Error | null, ack: unknown) => void): void;
    };
    emitter.emit(event, payload, (err, raw) => {
      if (err) return reject(new AckFailure('TIMEOUT', 'The server did not answer in time'));
      const ack = raw as { ok: boolean; error?: { code: ErrorCode; message: string } };
      if (ack && ack.ok) resolve(ack as unknown as ClientEventAcks[E]);
      else reject(new AckFailure(ack?.error?.code ?? 'UNAVAILABLE', ack?.error?.message ?? 'Rejected by the server'));
    });
  });
}
