import type { Pool } from 'pg';
import { CHAT_STREAM, USERS_STREAM } from '@converge/protocol';
import {
  assertRedisAuthenticated,
  checkWritable,
  createServingPool,
  createMetrics,
  createRedis,
  databaseUrl,
  ensureStream,
  HealthRegistry,
  type Logger,
  type Metrics,
  NatsLink,
  natsAuth,
  OutboxRelay,
  observeConsumer,
  observeOutbox,
  observePools,
  type Redis,
  type ShutdownHook,
  withAdvisoryLock,
} from '@converge/runtime';
import { type ChatMetrics, createChatMetrics } from './chat.metrics';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import { UserEventsService } from './domain/user-events.service';
import { USERS_CONSUMER, UserEventsConsumer } from './events/user.consumer';
import { MIGRATION_LOCK, runMigrations } from './persistence/data-source';
import { PgMessageRepository } from './persistence/message.repository';
import { PgRoomRepository } from './persistence/room.repository';
import { PgUserDirectory } from './persistence/user.directory';
import { TokenVerifier } from './auth/token-verifier';
import { resolveLimits } from './limits/limits.table';
import { RedisRateLimits } from './limits/rate-limits';
import { DeletedUsers } from './auth/deleted-users';
import { DeletedAccountSessions } from './auth/account-sessions';
import { FanOutNotifier } from './transport/fan-out.notifier';
import { RoomEventBus } from './transport/graphql/room-event.bus';
import { SocketWork } from './transport/socket/socket-work';
import { PresenceTracker } from './transport/socket/presence.tracker';
import { createSocketAdapter, type SocketAdapterClients, watchRedis } from './transport/socket/redis-adapter';
import { SocketNotifier } from './transport/socket/socket.notifier';

/** Everything the chat service runs on, built once, in one place, before any transport starts. */
export interface ChatComponents {
  logger: Logger;
  metrics: Metrics;
  chatMetrics: ChatMetrics;
  health: HealthRegistry;
  pool: Pool;
  relayPool: Pool;
  /** Fail-fast client for limits, presence and publishes (nothing waits for a Redis that is down). */
  redis: Redis;
  /** Subscriber for GraphQL topics. */
  gqlSub: Redis;
  socketAdapter: SocketAdapterClients;
  nats: NatsLink;
  relay: OutboxRelay;
  rooms: PgRoomRepository;
  messages: PgMessageRepository;
  sockets: SocketNotifier;
  bus: RoomEventBus;
  presence: PresenceTracker;
  chat: ChatService;
  consumer: UserEventsConsumer;
  tokens: TokenVerifier;
  /** The per-user limits of the limits table (the domain's use cases and socket typing). */
  limits: RedisRateLimits;
  /** Socket work in flight, so a drain lets sends under way commit and be acked. */
  work: SocketWork;
}

/** Migrates PostgreSQL and builds the clients and domain services. */
export async function buildComponents(config: ChatConfig, logger: Logger): Promise<ChatComponents> {
  // First: a production pod pointed at an open Redis stops before it touches anything.
  await assertRedisAuthenticated(config);
  const metrics = createMetrics('chat');
  const url = databaseUrl(config);
  await runMigrations(url, (fn) => withAdvisoryLock(url, MIGRATION_LOCK, fn));

  // Serving pools: a connection a failover broke or moved to a replica is destroyed, never reused;
  // connects, statements and half-open sockets are bounded (PG_SERVING_DEFAULTS).
  const pool = createServingPool({ connectionString: url, max: config.DATABASE_POOL_SIZE });
  // An idle client dropped by the server (restart, failover) is reported here; without a listener
  // the pool's 'error' event would crash the process. The next query reconnects.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'PostgreSQL client failed'));
  const relayPool = createServingPool({ connectionString: url, max: 2 });
  relayPool.on('error', (err) => logger.warn({ err: err.message }, 'Outbox relay pool client failed'));
  const chatMetrics = createChatMetrics(metrics);
  observePools(metrics, { serving: pool, relay: relayPool });
  observeOutbox(metrics, relayPool);

  // Redis: the adapter's pair, a subscriber for GraphQL topics, and one fail-fast client for
  // limits, presence and publishes (nothing waits for a Redis that is down).
  const redis = createRedis(config, { enableOfflineQueue: false });
  const gqlSub = createRedis(config, { maxRetriesPerRequest: null });
  watchRedis(redis, 'chat', logger);
  watchRedis(gqlSub, 'graphql-sub', logger);
  const socketAdapter = createSocketAdapter(config, logger, chatMetrics);

  const nats = new NatsLink(config.NATS_URL, 'converge-chat', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), CHAT_STREAM, ['chat.>']),
    natsAuth(config),
  );
  const relay = new OutboxRelay({ pool: relayPool, nats, logger });
  const rooms = new PgRoomRepository(pool, () => relay.kick());
  const halfPool = Math.max(1, Math.ceil(config.DATABASE_POOL_SIZE / 2));
  const messages = new PgMessageRepository(pool, () => relay.kick(), {
    maxSize: config.SEND_BATCH_MAX_SIZE,
    maxWaitMs: config.SEND_BATCH_MAX_WAIT_MS,
    // Never more than half the pool: reads and the rest of the traffic keep connections of their own.
    maxInFlight: Math.min(config.SEND_BATCH_MAX_IN_FLIGHT || halfPool, halfPool),
    onFlush: (size, seconds) => {
      chatMetrics.sendBatchSize.observe(size);
      chatMetrics.sendBatchSeconds.observe(seconds);
    },
  });
  const sockets = new SocketNotifier();
  const bus = new RoomEventBus(redis, gqlSub, logger);
  const presence = new PresenceTracker(redis, logger, config.PRESENCE_TTL_MS);
  const limits = new RedisRateLimits(redis, resolveLimits({ perSecond: config.SEND_RATE_PER_SECOND, burst: config.SEND_BURST }, config.RATE_LIMITS));
  const chat = new ChatService({ rooms, messages }, new FanOutNotifier(sockets, bus), limits, presence);
  const deletedUsers = new DeletedUsers(pool);
  const userEvents = new UserEventsService(
    new PgUserDirectory(pool, () => relay.kick()),
    chat,
    new DeletedAccountSessions(deletedUsers, sockets),
  );
  const consumer = new UserEventsConsumer(nats, userEvents, logger);
  observeConsumer(metrics, USERS_STREAM, USERS_CONSUMER, async () => {
    const nc = nats.connection;
    if (!nc) return undefined;
    const info = await (await nc.jetstreamManager()).consumers.info(USERS_STREAM, USERS_CONSUMER);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  });
  const tokens = new TokenVerifier(config.JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE, deletedUsers);
  return {
    logger,
    metrics,
    chatMetrics,
    health: new HealthRegistry(),
    pool,
    relayPool,
    redis,
    gqlSub,
    socketAdapter,
    nats,
    relay,
    rooms,
    messages,
    sockets,
    bus,
    presence,
    chat,
    consumer,
    tokens,
    limits,
    work: new SocketWork(),
  };
}

/**
 * Readiness: PostgreSQL only, and writable. Without Redis or NATS the pod still stores and acks sends
 * (real time and events catch up afterwards), so taking it out of the Service would only make things
 * worse. A PostgreSQL that is down or read-only (mid-failover) takes sends down too: not ready until
 * the pool reaches a primary again, which it does by itself.
 */
export function registerReadiness(c: ChatComponents): void {
  c.health.add('postgres', () => checkWritable(c.pool));
}

/** Background work, started once the server listens. */
export function startWorkers(c: ChatComponents): void {
  c.presence.start();
  c.relay.start();
  c.consumer.start();
}

/** After the HTTP drain, in order: background workers, then NATS, the Redis clients and the pools. */
export function closeHooks(c: ChatComponents): ShutdownHook[] {
  return [
    { name: 'user events consumer', run: () => c.consumer.stop() },
    { name: 'outbox relay', run: () => c.relay.stop() },
    { name: 'nats', run: () => c.nats.close() },
    {
      name: 'redis',
      run: () => {
        c.bus.close();
        for (const r of [c.redis, c.gqlSub, c.socketAdapter.pub, c.socketAdapter.sub]) r.disconnect();
      },
    },
    { name: 'postgres', run: async () => void (await Promise.all([c.pool.end(), c.relayPool.end()])) },
  ];
}
