import { Pool } from 'pg';
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
import { CHAT_STREAM } from '@converge/protocol';
import { chatAppModule } from './app.module';
import type { ChatConfig } from './config';
import { ChatService } from './domain/chat.service';
import { PgChatRepository } from './persistence/chat.repository';
import { createDataSource, MIGRATION_LOCK } from './persistence/data-source';
import { TokenVerifier } from './security/token-verifier';
import { SocketWork } from './transport/socket/ack';
import { type ChatIo, createSocketServer, SocketNotifier } from './transport/socket/socket.server';

export interface StartChatOptions {
  logger?: Logger;
  handleSignals?: boolean;
}

/** Builds every client, migrates, and starts the chat service (main.ts and in-process tests). */
export async function startChatService(config: ChatConfig, o: StartChatOptions = {}): Promise<RunningService & { io: ChatIo }> {
  const logger = o.logger ?? createLogger('chat', config.LOG_LEVEL);
  const metrics = createMetrics('chat');
  const url = databaseUrl(config);
  const dataSource = createDataSource(url, config.DATABASE_POOL_SIZE);
  await dataSource.initialize();
  await withAdvisoryLock(url, MIGRATION_LOCK, () => dataSource.runMigrations({ transaction: 'each' }));
  const redis = createRedis(config);
  const pub = createRedis(config);
  const sub = createRedis(config);
  const nats = new NatsLink(config.NATS_URL, 'converge-chat', logger, async (nc) =>
    ensureStream(await nc.jetstreamManager(), CHAT_STREAM, ['chat.>']),
  );
  const relayPool = new Pool({ connectionString: url, max: 2 });
  const relay = new OutboxRelay({ pool: relayPool, nats, logger });
  const repo = new PgChatRepository(dataSource, () => relay.kick());
  const notifier = new SocketNotifier();
  const chat = new ChatService(repo, notifier);
  const tokens = new TokenVerifier(config.JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  let io: ChatIo | undefined;
  const work = new SocketWork();

  const svc = await startService({
    module: chatAppModule({ config, logger, metrics, dataSource, redis, nats, relay, relayPool, chat, tokens }),
    config,
    logger,
    metrics,
    handleSignals: o.handleSignals ?? true,
    configure: (_app, http) => {
      io = createSocketServer({ http, chat, repo, tokens, notifier, pub, sub, logger, maxPayloadBytes: config.SOCKET_MAX_PAYLOAD_BYTES, work });
    },
    closeConnections: () => [
      {
        name: 'socket.io',
        run: async () => {
          // New socket work is refused; what is under way (sends being stored) finishes and is acked.
          work.draining = true;
          await work.settled(config.SHUTDOWN_TIMEOUT_MS / 2);
          // Tell clients to reconnect elsewhere, give the hint a moment to leave, then close this pod's sockets.
          io?.local.emit('server:shutdown', { reconnect: true, afterMs: 0 });
          await new Promise((r) => setTimeout(r, 100));
          io?.local.disconnectSockets(true);
          await new Promise<void>((r) => (io ? io.close(() => r()) : r()));
        },
      },
      {
        name: 'redis',
        run: () => {
          pub.disconnect();
          sub.disconnect();
          redis.disconnect();
        },
      },
    ],
  });
  return { ...svc, io: io as unknown as ChatIo };
}
