import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { execute, type GraphQLSchema, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '@converge/runtime';
import { createGraphQLHandler, toGraphQLError } from '@converge/runtime-nest';
import type { ChatService } from '../../domain/chat.service';
import { bearer, type TokenVerifier } from '../../auth/token-verifier';
import type { GraphQLContext } from './graphql.context';
import type { RoomEventBus } from './room-event.bus';

export const GRAPHQL_PATHS = ['/graphql', '/chat/graphql'];

export interface GraphQLServerDeps {
  app: NestExpressApplication;
  http: HttpServer;
  schema: GraphQLSchema;
  tokens: TokenVerifier;
  chat: ChatService;
  bus: RoomEventBus;
  logger: Logger;
}

/** The token a graphql-ws client sent in its connection params (`{authorization: "Bearer …"}` or `{token}`). */
function paramsToken(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  if (typeof params.token === 'string') return params.token;
  const h = params.authorization ?? params.Authorization;
  return typeof h === 'string' ? bearer(h) : undefined;
}

/**
 * Queries and mutations over HTTP (graphql-yoga) and subscriptions over graphql-ws, on `/graphql`
 * and `/chat/graphql`. Both are authorized like REST: every resolver asks for the caller.
 * Returns a function that closes the WebSocket side (the drain).
 */
export function mountGraphQL(d: GraphQLServerDeps): () => Promise<void> {
  const httpContext = (req: IncomingMessage): GraphQLContext => ({
    caller: () => d.tokens.verify(bearer(req.headers.authorization)),
    chat: d.chat,
    bus: d.bus,
  });
  for (const endpoint of GRAPHQL_PATHS) {
    d.app.use(endpoint, createGraphQLHandler({ schema: d.schema, endpoint, context: httpContext, logger: d.logger }));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  useServer<Record<string, unknown>>(
    {
      schema: d.schema,
      execute,
      subscribe,
      // A bad token fails the connection itself (close code 4403), as the socket handshake does.
      onConnect: async (ctx) => {
        try {
          await d.tokens.verify(paramsToken(ctx.connectionParams));
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx): GraphQLContext => ({
        // Verified again per operation: a subscription started after the token expired is refused.
        caller: () => d.tokens.verify(paramsToken(ctx.connectionParams)),
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

  return () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.close(1001, 'server shutting down');
      wss.close(() => resolve());
    });
}

