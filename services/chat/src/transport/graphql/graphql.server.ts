import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { execute, type GraphQLSchema, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger, Metrics } from '@converge/runtime';
import { createGraphQLHandler, type GraphQLGuards, graphqlGuardFunctions, toGraphQLError } from '@converge/runtime-nest';
import type { ChatService } from '../../domain/chat.service';
import { bearer, type Identity, type TokenVerifier } from '../../auth/token-verifier';
import type { GraphQLContext } from './graphql.context';
import type { GraphQLWsSlots } from './graphql-ws-slots';
import type { RevokedSessions } from './revoked-sessions';
import type { RoomEventBus } from './room-event.bus';
import { GraphQLWsSessions, WS_CLOSE } from './graphql-ws-sessions';

export const GRAPHQL_PATHS = ['/graphql', '/chat/graphql'];

export interface GraphQLServerDeps {
  app: NestExpressApplication;
  http: HttpServer;
  schema: GraphQLSchema;
  tokens: TokenVerifier;
  chat: ChatService;
  bus: RoomEventBus;
  logger: Logger;
  /** The process registry's shared counters: GraphQL operations and refusals. */
  metrics: Metrics;
  guards: GraphQLGuards;
  graphiql: boolean;
  /** The per-user cap on graphql-ws connections over every pod. */
  slots: GraphQLWsSlots;
  /** Sessions revoked while their tokens still verify. */
  revoked: RevokedSessions;
}

export interface MountedGraphQL {
  /** Closes the WebSocket side (the drain). */
  close: () => Promise<void>;
  /** This pod's graphql-ws connections, by user and session (revocation closes them). */
  sessions: GraphQLWsSessions;
}

/** The token in a graphql-ws payload (`{authorization: "Bearer …"}` or `{token}`): connection params or a ping. */
export function payloadToken(params: unknown): string | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const p = params as Record<string, unknown>;
  if (typeof p.token === 'string') return p.token;
  const h = p.authorization ?? p.Authorization;
  return typeof h === 'string' ? bearer(h) : undefined;
}

/**
 * Queries and mutations over HTTP (graphql-yoga) and subscriptions over graphql-ws, on `/graphql`
 * and `/chat/graphql`. Both are authorized like REST: every resolver asks for the caller. A
 * graphql-ws connection lives as long as its access token, like a socket: it is closed when the
 * token expires (unless a `ping` brought a fresh one) or its session is revoked.
 */
export function mountGraphQL(d: GraphQLServerDeps): MountedGraphQL {
  const httpContext = (req: IncomingMessage): GraphQLContext => ({
    caller: () => d.tokens.verify(bearer(req.headers.authorization)),
    chat: d.chat,
    bus: d.bus,
  });
  for (const endpoint of GRAPHQL_PATHS) {
    d.app.use(
      endpoint,
      createGraphQLHandler({ schema: d.schema, endpoint, context: httpContext, logger: d.logger, guards: d.guards, graphiql: d.graphiql, metrics: d.metrics }),
    );
  }

  const sessions = new GraphQLWsSessions();
  const guarded = graphqlGuardFunctions(d.guards);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  useServer<Record<string, unknown>, { connId?: string }>(
    {
      schema: d.schema,
      execute,
      subscribe,
      // The same depth, alias, cost, token and introspection limits as over HTTP.
      parse: guarded.parse,
      validate: guarded.validate,
      // A bad token fails the connection itself (close code 4403), as the socket handshake does; one
      // over the per-user cap is closed with 4429.
      onConnect: async (ctx) => {
        const token = payloadToken(ctx.connectionParams);
        let id: Identity;
        try {
          id = await d.tokens.verify(token);
        } catch {
          return false;
        }
        const sessionId = id.sessionId;
        if (await d.revoked.has(sessionId)) return false;
        const connId = randomUUID();
        if (!(await d.slots.acquire(id.userId, connId))) {
          ctx.extra.socket.close(WS_CLOSE.tooMany, 'RATE_LIMITED: too many graphql-ws connections');
          return false;
        }
        ctx.extra.connId = connId;
        const socket = ctx.extra.socket;
        sessions.add(connId, { socket, userId: id.userId, sessionId, token: token as string, expiresAt: id.expiresAt });
        const release = (): void => {
          sessions.remove(connId);
          void d.slots.release(connId);
        };
        // The client may have gone while the slot was taken: its 'close' came before this listener.
        if (socket.readyState !== socket.OPEN) {
          release();
          return false;
        }
        socket.once('close', release);
        return true;
      },
      // A ping whose payload carries a fresh token ({token} or {authorization}) extends the connection.
      onPing: async (ctx, payload) => {
        const token = payloadToken(payload);
        const connId = ctx.extra.connId;
        if (!token || !connId) return;
        const conn = sessions.get(connId);
        if (!conn) return;
        try {
          const id = await d.tokens.verify(token);
          if (id.userId !== conn.userId) throw new Error('another user');
          const sessionId = id.sessionId;
          if (await d.revoked.has(sessionId)) throw new Error('revoked');
          sessions.refresh(connId, token, id.expiresAt, sessionId);
        } catch {
          conn.socket.close(WS_CLOSE.unauthorized, 'UNAUTHENTICATED: the refreshed token is not valid');
        }
      },
      context: (ctx): GraphQLContext => ({
        // Verified again per operation (the latest token the connection sent): a subscription
        // started after the token expired is refused.
        caller: () => d.tokens.verify(sessions.get(ctx.extra.connId ?? '')?.token),
        chat: d.chat,
        bus: d.bus,
      }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => toGraphQLError(e, d.logger).toJSON()) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => toGraphQLError(e, d.logger).toJSON()),
    },
    wss,
  );

  d.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/socket.io/')) return; // Socket.IO answers its own.
    if (!GRAPHQL_PATHS.includes(path)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  d.slots.start();
  return {
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        d.slots.stop();
        sessions.clear();
        for (const c of wss.clients) c.close(1001, 'server shutting down');
        wss.close(() => resolve());
      }),
  };
}
