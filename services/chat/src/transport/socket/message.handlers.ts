import { AppError, clientEventSchemas, parseOrThrow } from '@converge/protocol';
import type { Logger } from '@converge/runtime';
import type { ChatService } from '../../domain/chat.service';
import type { TokenVerifier } from '../../security/token-verifier';
import { handler, type SocketWork } from './ack';
import { roomChannel, scheduleExpiry, type ChatSocket } from './socket.server';

/** message:* and room:* events: validate, call the use case (which persists and broadcasts), ack. */
export function registerMessageHandlers(socket: ChatSocket, chat: ChatService, tokens: TokenVerifier, logger: Logger, work: SocketWork): void {
  const me = () => socket.data.userId;
  const onError = (e: unknown) => logger.warn({ err: e, userId: me() }, 'Socket handler failed');
  const on = (event: string, fn: (p: unknown) => Promise<object>) =>
    (socket as unknown as { on(e: string, f: (...a: unknown[]) => void): void }).on(event, handler(fn, onError, work));

  on('message:send', async (p) => {
    const { roomId, body, clientMsgId } = parseOrThrow(clientEventSchemas['message:send'], p);
    const { message } = await chat.send(me(), roomId, { body, clientMsgId });
    return { message };
  });

  on('message:edit', async (p) => {
    const { roomId, seq, body } = parseOrThrow(clientEventSchemas['message:edit'], p);
    return { message: await chat.edit(me(), roomId, seq, { body }) };
  });

  on('message:delete', async (p) => {
    const { roomId, seq } = parseOrThrow(clientEventSchemas['message:delete'], p);
    await chat.delete(me(), roomId, seq);
    return {};
  });

  on('room:sync', async (p) => chat.sync(me(), p));

  on('room:read', async (p) => {
    const { roomId, seq } = parseOrThrow(clientEventSchemas['room:read'], p);
    await chat.markRead(me(), roomId, { seq });
    return {};
  });

  on('auth:refresh', async (p) => {
    const { token } = parseOrThrow(clientEventSchemas['auth:refresh'], p);
    const id = await tokens.verify(token);
    if (id.userId !== me()) throw new AppError('UNAUTHENTICATED', 'the token belongs to another user');
    socket.data.expiresAt = id.expiresAt;
    scheduleExpiry(socket);
    return {};
  });

  on('typing', async (p) => {
    const { roomId, typing } = parseOrThrow(clientEventSchemas.typing, p);
    await chat.assertMember(me(), roomId);
    socket.to(roomChannel(roomId)).emit('typing', { roomId, userId: me(), typing });
    return {};
  });
}
