import { AppError, ClientEvent } from '@converge/protocol';
import type { HandlerDeps } from './handler.deps';
import type { ChatSocket } from './socket.types';

/** auth:refresh: a new access token of the same user extends the socket's life. */
export function registerAuthHandlers(socket: ChatSocket, d: HandlerDeps, rescheduleExpiry: () => void): void {
  d.handle(socket, ClientEvent.AuthRefresh, async ({ token }, { userId }) => {
    const id = await d.tokens.verify(token);
    if (id.userId !== userId) throw new AppError('UNAUTHENTICATED', 'the token belongs to another user');
    socket.data.expiresAt = id.expiresAt;
    rescheduleExpiry();
    return {};
  });
}
