import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, Message, Room, ServerToClientEvents } from '@converge/protocol';
import type { Logger } from '@converge/runtime';
import type { ChatService } from '../../domain/chat.service';
import type { ChatNotifier, ChatRepository } from '../../domain/ports';
import type { TokenVerifier } from '../../security/token-verifier';
import { failure, type SocketWork } from './ack';
import { registerMessageHandlers } from './message.handlers';

export type ChatIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export interface SocketData {
  userId: string;
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
}

/**
 * A socket lives only as long as its access token: when it expires without an `auth:refresh`, the
 * client is told why and disconnected.
 */
export function scheduleExpiry(socket: ChatSocket): void {
  clearTimeout(socket.data.expiryTimer);
  const ms = Math.max(0, socket.data.expiresAt * 1000 - Date.now());
  socket.data.expiryTimer = setTimeout(() => {
    socket.emit('auth:expired', { code: 'UNAUTHENTICATED' });
    socket.disconnect(true);
  }, Math.min(ms, 2 ** 31 - 1));
  socket.data.expiryTimer.unref();
  socket.once('disconnect', () => clearTimeout(socket.data.expiryTimer));
}

export const roomChannel = (roomId: string) => `room:${roomId}`;
export const userChannel = (userId: string) => `user:${userId}`;

/** Socket.IO rooms fan out across pods through the Redis adapter; delivery is best effort (sync is the truth). */
export class SocketNotifier implements ChatNotifier {
  io: ChatIo | undefined;

  messageNew(m: Message): void {
    this.io?.to(roomChannel(m.roomId)).emit('message:new', m);
  }
  messageUpdated(m: Message): void {
    this.io?.to(roomChannel(m.roomId)).emit('message:updated', m);
  }
  roomAdded(userId: string, room: Room): void {
    if (!this.io) return;
    this.io.in(userChannel(userId)).socketsJoin(roomChannel(room.id));
    this.io.to(userChannel(userId)).emit('room:added', room);
  }
  roomRemoved(userId: string, roomId: string): void {
    if (!this.io) return;
    this.io.to(userChannel(userId)).emit('room:removed', { roomId });
    this.io.in(userChannel(userId)).socketsLeave(roomChannel(roomId));
  }
  roomUpdated(room: Room): void {
    this.io?.to(roomChannel(room.id)).emit('room:updated', room);
  }
  roomRead(roomId: string, userId: string, seq: number): void {
    this.io?.to(roomChannel(roomId)).emit('room:read', { roomId, userId, seq });
  }
}

export interface SocketServerDeps {
  http: HttpServer;
  chat: ChatService;
  repo: ChatRepository;
  tokens: TokenVerifier;
  notifier: SocketNotifier;
  pub: Redis;
  sub: Redis;
  logger: Logger;
  maxPayloadBytes: number;
  work: SocketWork;
}

export function createSocketServer(d: SocketServerDeps): ChatIo {
  const io: ChatIo = new Server(d.http, {
    path: '/socket.io/',
    maxHttpBufferSize: d.maxPayloadBytes,
    serveClient: false,
    adapter: createAdapter(d.pub, d.sub),
  });
  d.notifier.io = io;

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    d.tokens.verify(token).then(
      (id) => {
        socket.data.userId = id.userId;
        socket.data.expiresAt = id.expiresAt;
        next();
      },
      (e: unknown) => next(new Error(failure(e).error.code)),
    );
  });

  io.on('connection', (socket) => {
    const userId = socket.data.userId;
    void d.repo.roomsOf(userId).then(
      (rooms) => {
        // On connect the socket is in all of the user's rooms: no join call.
        void socket.join([userChannel(userId), ...rooms.map((r) => roomChannel(r.id))]);
      },
      (err: unknown) => {
        d.logger.warn({ err, userId }, 'Room join on connect failed');
        socket.disconnect(true);
      },
    );
    scheduleExpiry(socket);
    registerMessageHandlers(socket, d.chat, d.tokens, d.logger, d.work);
  });
  return io;
}
