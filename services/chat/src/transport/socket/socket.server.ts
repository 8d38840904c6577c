import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { ServerEvent } from '@converge/protocol';
import { codeLabel, type Logger } from '@converge/runtime';
import type { ChatMetrics } from '../../chat.metrics';
import type { ChatService } from '../../domain/chat.service';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActionLimiter, RoomRepository } from '../../domain/ports';
import { registerAuthHandlers } from './auth.handlers';
import { registerMessageHandlers } from './message.handlers';
import { registerRoomHandlers } from './room.handlers';
import { createHandle, failure } from './socket-handler';
import type { SocketWork } from './socket-work';
import type { PresenceTracker } from './presence.tracker';
import type { SocketAdapterClients } from './redis-adapter';
import { roomChannel, roomIdOfChannel, type SocketNotifier, userChannel } from './socket.notifier';
import type { ChatIo, ChatSocket } from './socket.types';
import { TypingCoalescer } from './typing.coalescer';
import { registerTypingHandlers } from './typing.handlers';

export type { ChatIo, ChatSocket } from './socket.types';

/**
 * A socket lives only as long as its access token: when it expires without an `auth:refresh`, the
 * client is told why and disconnected.
 */
export function scheduleExpiry(socket: ChatSocket): void {
  clearTimeout(socket.data.expiryTimer);
  const ms = Math.max(0, socket.data.expiresAt * 1000 - Date.now());
  socket.data.expiryTimer = setTimeout(() => {
    socket.emit(ServerEvent.AuthExpired, { code: 'UNAUTHENTICATED' });
    socket.disconnect(true);
  }, Math.min(ms, 2 ** 31 - 1));
  socket.data.expiryTimer.unref();
}

/**
 * Closes the handshake's race with a removal: the room list was read before the socket could be
 * reached (socket.io applies a `socketsLeave` only to connected sockets), so a removal that committed
 * after that read, and whose leave came while the socket was still connecting, was missed. Now that
 * the socket is in its user channel and its rooms (every later removal reaches it), the list is
 * read again and the rooms no longer in it are left. Rooms added meanwhile are not joined here: a
 * join after a read could race with the next removal the same way (the client lists its rooms).
 */
async function recheckMembership(socket: ChatSocket, rooms: RoomRepository, logger: Logger): Promise<void> {
  try {
    const now = new Set(await rooms.roomIdsOf(socket.data.userId));
    const gone = socket.data.roomIds.filter((id) => !now.has(id));
    for (const id of gone) void socket.leave(roomChannel(id));
  } catch (err) {
    // Membership unknown: better a reconnect (a fresh handshake) than a socket in rooms it may have left.
    logger.warn({ err, userId: socket.data.userId }, 'Socket membership re-check failed');
    socket.disconnect(true);
  }
}

export interface SocketServerDeps {
  http: HttpServer;
  chat: ChatService;
  rooms: RoomRepository;
  tokens: TokenVerifier;
  limits: ActionLimiter;
  notifier: SocketNotifier;
  adapter: SocketAdapterClients['adapter'];
  presence: PresenceTracker;
  logger: Logger;
  metrics: ChatMetrics;
  work: SocketWork;
  maxPayloadBytes: number;
  maxSocketsPerUser: number;
}

export function createSocketServer(d: SocketServerDeps): ChatIo {
  const io: ChatIo = new Server(d.http, {
    path: '/socket.io/',
    maxHttpBufferSize: d.maxPayloadBytes,
    serveClient: false,
    adapter: d.adapter,
    // Other upgrade paths (GraphQL over graphql-ws) are answered by their own handler.
    destroyUpgrade: false,
  });
  d.notifier.io = io;
  // One per pod: a user's sockets on this pod share it.
  const typing = new TypingCoalescer();
  const handle = createHandle({
    work: d.work,
    onError: (e, socket) => d.logger.warn({ err: e, userId: socket.data.userId }, 'Socket handler failed'),
    onAck: (event, a) => {
      const result = a.ok ? 'ok' : codeLabel(a.error.code);
      d.metrics.acks.inc({ event, result });
      if (!a.ok) d.metrics.base.rejected.inc({ transport: 'socket', code: result });
      // Told inside the event's span, so the line carries its trace id (the logger's mixin).
      if (d.logger.isLevelEnabled('debug')) d.logger.debug({ event, result }, 'Socket event acked');
    },
  });

  // The handshake: a valid access token, under the per-user socket cap, and the user's rooms looked
  // up before the connection is accepted, so that on connect the socket is already in all of them
  // (and re-checked once it is, recheckMembership).
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    void (async () => {
      const id = await d.tokens.verify(token);
      // The slot is taken before the socket is accepted, so the cap holds over pods racing for it.
      const open = await d.presence.connected(id.userId);
      let held = true;
      const release = (): Promise<boolean> => {
        if (!held) return Promise.resolve(false);
        held = false;
        return d.presence.disconnected(id.userId);
      };
      // A client gone before the handshake ends never gets a 'disconnect': its slot is given back here.
      socket.conn.once('close', () => void release());
      try {
        if (open > d.maxSocketsPerUser) throw Object.assign(new Error('RATE_LIMITED'), { code: 'RATE_LIMITED' });
        socket.data.roomIds = await d.rooms.roomIdsOf(id.userId);
      } catch (e) {
        await release();
        throw e;
      }
      socket.data.releaseSlot = release;
      socket.data.userId = id.userId;
      socket.data.expiresAt = id.expiresAt;
      socket.data.cameOnline = open === 1;
    })().then(
      () => next(),
      (e: unknown) => {
        const code = (e as { code?: unknown }).code === 'RATE_LIMITED' ? 'RATE_LIMITED' : failure(e).error.code;
        d.metrics.base.rejected.inc({ transport: 'socket', code: codeLabel(code) });
        next(new Error(code));
      },
    );
  });

  io.on('connection', (socket) => {
    const userId = socket.data.userId;
    const roomIds = socket.data.roomIds;
    void socket.join([userChannel(userId), ...roomIds.map(roomChannel)]);
    void recheckMembership(socket, d.rooms, d.logger);
    d.metrics.connectedSockets.inc();
    scheduleExpiry(socket);
    const deps = { chat: d.chat, tokens: d.tokens, metrics: d.metrics, limits: d.limits, handle };
    registerMessageHandlers(socket, deps);
    registerRoomHandlers(socket, deps);
    registerAuthHandlers(socket, deps, () => scheduleExpiry(socket));
    registerTypingHandlers(socket, deps, d.notifier, typing);

    if (socket.data.cameOnline) d.notifier.presence(userId, roomIds, true);
    let rooms: string[] = roomIds;
    socket.on('disconnecting', () => {
      // The rooms it is in now (joined or left live since connecting).
      rooms = [...socket.rooms].map(roomIdOfChannel).filter((id): id is string => id !== undefined);
    });
    socket.on('disconnect', () => {
      clearTimeout(socket.data.expiryTimer);
      d.metrics.connectedSockets.dec();
      void socket.data.releaseSlot().then((gone) => {
        if (gone) d.notifier.presence(userId, rooms, false);
      });
    });
  });
  return io;
}
