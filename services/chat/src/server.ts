import 'reflect-metadata';
import { Pool } from 'pg';
import { CHAT_STREAM, type Room, ServerEvent } from '@converge/protocol';
import {
  createLogger,
  createMetrics,
  createRedis,
  databaseUrl,
  ensureStream,
  type Logger,
  NatsLink,
  OutboxRelay,
  type RunningService,
  startService,
  withAdvisoryLock,
} from '@converge/runtime';
import { chatAppModule } from './app.module';
import { createChatMetrics } from './chat.metrics';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import type { ChatMessage, ChatNotifier } from './domain/ports';
import { UserEventsService } from './domain/user-events.service';
import { UserEventsConsumer } from './events/user.consumer';
import { MIGRATION_LOCK, runMigrations } from './persistence/data-source';
import { PgMessageRepository } from './persistence/message.repository';
import { PgRoomRepository } from './persistence/room.repository';
import { PgUserDirectory } from './persistence/user.directory';
import { RedisSendLimiter } from './limits/send-limiter';
import { TokenVerifier } from './auth/token-verifier';
import { mountGraphQL } from './transport/graphql/graphql.server';
import { RoomEventBus } from './transport/graphql/room-event.bus';
import { leftTopic, messageAddedTopic, messageUpdatedTopic } from './transport/graphql/rooms.resolver';
import { buildChatSchema } from './transport/graphql/schema';
import { SocketWork } from './transport/socket/socket-work';
import { PresenceTracker } from './transport/socket/presence.tracker';
import { createSocketAdapter, watchRedis } from './transport/socket/redis-adapter';
import { SocketNotifier } from './transport/socket/socket.notifier';
import { type ChatIo, createSocketServer } from './transport/socket/socket.server';

export interface StartChatOptions {
  logger?: Logger;
  handleSignals?: boolean;
}

export type RunningChat = RunningService & { io: ChatIo; presence: PresenceTracker };

/** Every change goes to the sockets (Socket.IO across pods) and to GraphQL subscribers. */
class FanOut implements ChatNotifier {
  constructor(
    private readonly sockets: SocketNotifier,
    private readonly bus: RoomEventBus,
  ) {}
  messageNew(m: ChatMessage): void {
    this.sockets.messageNew(m);
    this.bus.publish(messageAddedTopic(m.roomId), m);
  }
  messageUpdated(m: ChatMessage): void {
    this.sockets.messageUpdated(m);
    this.bus.publish(messageUpdatedTopic(m.roomId), m);
  }
  roomAdded(userId: string, room: Room): void {
    this.sockets.roomAdded(userId, room);
  }
  roomRemoved(userId: string, roomId: string): void {
    this.sockets.roomRemoved(userId, roomId);
    this.bus.publish(leftTopic(roomId, userId), {});
  }
  roomUpdated(viewerId: string, room: Room): void {
    this.sockets.roomUpdated(viewerId, room);
  }
  roomRead(roomId: string, userId: string, seq: number): void {
    this.sockets.roomRead(roomId, userId, seq);
  }
}

/** Builds every client, migrates, and starts the chat service (main.ts and in-process tests). */
export async function startChatService(config: ChatConfig, o: StartChatOptions = {}): Promise<RunningChat> {
  const logger = o.logger ?? createLogger('chat', config.LOG_LEVEL);
  const metrics = createMetrics('chat');
  const url = databaseUrl(config);
  await runMigrations(url, (fn) => withAdvisoryLock(url, MIGRATION_LOCK, fn));

  const pool = new Pool({ connectionString: url, max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 3000 });
  // An idle client dropped by the server (restart, failover) is reported here; without a listener
  // the pool's 'error' event would crash the process. The next query reconnects.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'PostgreSQL client failed'));
  const relayPool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3000 });
  relayPool.on('error', (err) => logger.warn({ err: err.message }, 'Outbox relay pool client failed'));
  const chatMetrics = createChatMetrics(metrics, pool);

  // Redis: the adapter's pair, a subscriber for GraphQL topics, and one fail-fast client for
  // limits, presence and publishes (nothing waits for a Redis that is down).
  const redis = createRedis(config, { enableOfflineQueue: false });
  const gqlSub = createRedis(config, { maxRetriesPerRequest: null });
  watchRedis(redis, 'chat', logger);
  watchRedis(gqlSub, 'graphql-sub', logger);
  const { adapter, pub, sub } = createSocketAdapter(config, logger);

  const nats = new NatsLink(config.NATS_URL, 'converge-chat', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), CHAT_STREAM, ['chat.>']),
  );
  const relay = new OutboxRelay({ pool: relayPool, nats, logger });
  const rooms = new PgRoomRepository(pool, () => relay.kick());
  const messages = new PgMessageRepository(pool, () => relay.kick());
  const sockets = new SocketNotifier();
  const bus = new RoomEventBus(redis, gqlSub, logger);
  const presence = new PresenceTracker(redis, logger, config.PRESENCE_TTL_MS);
  const limiter = new RedisSendLimiter(redis, { perSecond: config.SEND_RATE_PER_SECOND, burst: config.SEND_BURST });
  const chat = new ChatService({ rooms, messages }, new FanOut(sockets, bus), limiter, presence);
  const consumer = new UserEventsConsumer(nats, new UserEventsService(new PgUserDirectory(pool, () => relay.kick()), chat), logger);
  const tokens = new TokenVerifier(config.JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const schema = await buildChatSchema({ chat, bus, metrics: chatMetrics });
  const work = new SocketWork();
  let io: ChatIo | undefined;
  let closeGraphQL: () => Promise<void> = async () => undefined;

  const svc = await startService({
    module: chatAppModule({ config, logger, metrics, chatMetrics, pool, redis, nats, chat, tokens }),
    config,
    logger,
    metrics,
    handleSignals: o.handleSignals ?? true,
    configure: (app, http) => {
      closeGraphQL = mountGraphQL({ app, http, schema, tokens, chat, bus, logger });
      io = createSocketServer({
        http,
        chat,
        rooms,
        tokens,
        notifier: sockets,
        adapter,
        presence,
        logger,
        metrics: chatMetrics,
        work,
        maxPayloadBytes: config.SOCKET_MAX_PAYLOAD_BYTES,
        maxSocketsPerUser: config.MAX_SOCKETS_PER_USER,
      });
    },
    closeConnections: () => [
      {
        name: 'socket.io',
        run: async () => {
          // New socket work is refused (UNAVAILABLE: retry elsewhere); sends under way commit and are acked.
          work.draining = true;
          await work.settled(config.SHUTDOWN_TIMEOUT_MS / 2);
          // Then the reconnect hint, a moment for it to leave, and this pod's sockets close.
          io?.local.emit(ServerEvent.ServerShutdown, { reconnect: true, afterMs: 0 });
          await new Promise((r) => setTimeout(r, 100));
          io?.local.disconnectSockets(true);
          await presence.stop();
          await new Promise<void>((r) => (io ? io.close(() => r()) : r()));
        },
      },
      { name: 'graphql-ws', run: () => closeGraphQL() },
    ],
  });

  // Background work starts once the server listens; it stops after the HTTP drain (the app closes).
  presence.start();
  relay.start();
  consumer.start();
  const close = svc.app.close.bind(svc.app);
  svc.app.close = async () => {
    await close();
    await consumer.stop();
    await relay.stop();
    await nats.close();
    for (const c of [redis, gqlSub, pub, sub]) c.disconnect();
    await Promise.all([pool.end(), relayPool.end()]);
  };
  return { ...svc, io: io as unknown as ChatIo, presence };
}
