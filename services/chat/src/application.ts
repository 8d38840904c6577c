// Decorator metadata (Nest DI, type-graphql, TypeORM) needs the Reflect API before any decorated class loads.
import 'reflect-metadata';
import { graphqlExposureOf, type RunningService, startService } from '@converge/runtime-nest';
import { ServerEvent } from '@converge/protocol';
import type { ShutdownHook } from '@converge/runtime';
import { chatAppModule } from './app.module';
import { type ChatComponents, closeHooks, registerReadiness, startWorkers } from './components';
import type { ChatConfig } from './config';
import { GRAPHQL_PATHS, mountGraphQL } from './transport/graphql/graphql.server';
import { GraphQLWsSlots } from './transport/graphql/graphql-ws-slots';
import { RevokedSessions } from './transport/graphql/revoked-sessions';
import { SessionRevocationListener } from './events/session.consumer';
import { buildChatSchema } from './transport/graphql/schema';
import type { PresenceTracker } from './transport/socket/presence.tracker';
import { type ChatIo, createSocketServer } from './transport/socket/socket.server';

export interface ApplicationOptions {
  /** Install SIGTERM/SIGINT handlers (off when a test runs the service in its own process). */
  handleSignals?: boolean;
}

export type RunningChat = RunningService & { io: ChatIo; presence: PresenceTracker };

/**
 * Ends Socket.IO during a drain: new socket work is refused (UNAVAILABLE: retry elsewhere), sends
 * under way commit and are acked, then the reconnect hint, a moment for it to leave, and this pod's
 * sockets close.
 */
function socketDrain(io: () => ChatIo | undefined, c: ChatComponents, timeoutMs: number): ShutdownHook {
  return {
    name: 'socket.io',
    run: async () => {
      c.work.draining = true;
      await c.work.settled(timeoutMs / 2);
      io()?.local.emit(ServerEvent.ServerShutdown, { reconnect: true, afterMs: 0 });
      await new Promise((r) => setTimeout(r, 100));
      io()?.local.disconnectSockets(true);
      await c.presence.stop();
      await new Promise<void>((r) => {
        const server = io();
        if (server) server.close(() => r());
        else r();
      });
    },
  };
}

/**
 * The chat service's composition root: REST, GraphQL (HTTP and graphql-ws) and Socket.IO over the
 * components, readiness, the background workers, and the drain's ordered close hooks: Socket.IO and
 * graphql-ws while requests finish, then the Nest app, the workers and the clients.
 */
export async function createApplication(
  config: ChatConfig,
  c: ChatComponents,
  o: ApplicationOptions = {},
): Promise<RunningChat> {
  registerReadiness(c);
  const schema = await buildChatSchema({ chat: c.chat, bus: c.bus, metrics: c.chatMetrics });
  let io: ChatIo | undefined;
  let closeGraphQL: () => Promise<void> = async () => undefined;
  let revocations: SessionRevocationListener | undefined;
  const revoked = new RevokedSessions(c.redis, c.logger);

  const svc = await startService({
    module: chatAppModule(config, c),
    config,
    logger: c.logger,
    metrics: c.metrics,
    handleSignals: o.handleSignals ?? true,
    graphqlPaths: GRAPHQL_PATHS,
    configure: (app, http) => {
      const graphql = mountGraphQL({
        app,
        http,
        schema,
        tokens: c.tokens,
        chat: c.chat,
        bus: c.bus,
        logger: c.logger,
        metrics: c.metrics,
        ...graphqlExposureOf(config),
        slots: new GraphQLWsSlots(c.redis, c.logger, config.MAX_GRAPHQL_WS_PER_USER),
        revoked,
      });
      closeGraphQL = graphql.close;
      revocations = new SessionRevocationListener(
        c.nats,
        async (e) => {
          graphql.sessions.revoke(e.userId, e.sessionId);
          await revoked.mark(e.sessionId);
        },
        c.logger,
      );
      io = createSocketServer({
        http,
        chat: c.chat,
        rooms: c.rooms,
        tokens: c.tokens,
        limits: c.limits,
        notifier: c.sockets,
        adapter: c.socketAdapter.adapter,
        presence: c.presence,
        logger: c.logger,
        metrics: c.chatMetrics,
        work: c.work,
        maxPayloadBytes: config.SOCKET_MAX_PAYLOAD_BYTES,
        maxSocketsPerUser: config.MAX_SOCKETS_PER_USER,
      });
    },
    closeConnections: [
      socketDrain(() => io, c, config.SHUTDOWN_TIMEOUT_MS),
      { name: 'graphql-ws', run: () => closeGraphQL() },
    ],
    // The revocation listener first: it holds a NATS subscription.
    closeResources: [{ name: 'session-revocations', run: async () => revocations?.stop() }, ...closeHooks(c)],
  });
  startWorkers(c);
  revocations?.start();
  return { ...svc, io: io as unknown as ChatIo, presence: c.presence };
}
