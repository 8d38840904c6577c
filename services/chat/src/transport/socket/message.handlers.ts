import { type Ack, AppError, clientEventSchemas, parseOrThrow } from '@converge/protocol';
import type { Logger } from '@converge/runtime';
import { type ChatMetrics, countedSend } from '../../chat.metrics';
import type { ChatService } from '../../domain/chat.service';
import type { TokenVerifier } from '../../security/token-verifier';
import { handler, type SocketWork } from './ack';
import type { ChatSocket } from './socket.types';

export interface HandlerDeps {
  chat: ChatService;
  tokens: TokenVerifier;
  logger: Logger;
  work: SocketWork;
  metrics: ChatMetrics;
}

type On = (event: string, fn: (p: unknown) => Promise<object>, observe?: (a: Ack<object>, t0: number) => void) => void;

/** `socket.on` for an untyped payload, wrapped so that nothing a client sends can throw. */
export function onEvent(socket: ChatSocket, d: HandlerDeps): On {
  const onError = (e: unknown) => d.logger.warn({ err: e, userId: socket.data.userId }, 'Socket handler failed');
  return (event, fn, observe) =>
    (socket as unknown as { on(e: string, f: (...a: unknown[]) => void): void }).on(event, handler(fn, onError, d.work, observe));
}

/** message:* and room:* events: validate, call the use case (which persists, then broadcasts), ack. */
export function registerMessageHandlers(socket: ChatSocket, d: HandlerDeps, rescheduleExpiry: () => void): void {
  const me = () => socket.data.userId;
  const on = onEvent(socket, d);
  const ackLatency = (a: Ack<object>, t0: number) =>
    d.metrics.ackLatency.observe({ result: a.ok ? 'ok' : a.error.code }, (performance.now() - t0) / 1000);

  on(
    'message:send',
    async (p) => {
      const { roomId, body, clientMsgId } = parseOrThrow(clientEventSchemas['message:send'], p);
      const { message } = await countedSend(d.metrics, 'socket', () => d.chat.send(me(), roomId, { body, clientMsgId }));
      return { message };
    },
    ackLatency,
  );

  on('message:edit', async (p) => {
    const { roomId, seq, body } = parseOrThrow(clientEventSchemas['message:edit'], p);
    return { message: await d.chat.edit(me(), roomId, seq, { body }) };
  });

  on('message:delete', async (p) => {
    const { roomId, seq } = parseOrThrow(clientEventSchemas['message:delete'], p);
    await d.chat.delete(me(), roomId, seq);
    return {};
  });

  on('room:sync', async (p) => d.chat.sync(me(), p));

  on('room:read', async (p) => {
    const { roomId, seq } = parseOrThrow(clientEventSchemas['room:read'], p);
    await d.chat.markRead(me(), roomId, { seq });
    return {};
  });

  on('auth:refresh', async (p) => {
    const { token } = parseOrThrow(clientEventSchemas['auth:refresh'], p);
    const id = await d.tokens.verify(token);
    if (id.userId !== me()) throw new AppError('UNAUTHENTICATED', 'the token belongs to another user');
    socket.data.expiresAt = id.expiresAt;
    rescheduleExpiry();
    return {};
  });
}
