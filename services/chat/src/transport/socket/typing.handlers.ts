import { ClientEvent, TYPING_TTL_MS } from '@converge/protocol';
import type { HandlerDeps } from './handler.deps';
import type { SocketNotifier } from './socket.notifier';
import type { ChatSocket } from './socket.types';

/**
 * `typing`: members only; the other members hear it, and a `typing: true` that is not repeated
 * expires by itself after 5 s (the server sends `typing: false`), as it does when the socket goes.
 */
export function registerTypingHandlers(socket: ChatSocket, d: HandlerDeps, notifier: SocketNotifier, ttlMs = TYPING_TTL_MS): void {
  const me = () => socket.data.userId;
  const active = new Map<string, NodeJS.Timeout>();
  const stop = (roomId: string) => {
    clearTimeout(active.get(roomId));
    active.delete(roomId);
    notifier.typing(roomId, me(), false);
  };

  d.handle(socket, ClientEvent.Typing, async ({ roomId, typing }, { userId }) => {
    await d.chat.assertMember(userId, roomId);
    if (!typing) {
      if (active.has(roomId)) stop(roomId);
      return {};
    }
    clearTimeout(active.get(roomId));
    const t = setTimeout(() => stop(roomId), ttlMs);
    t.unref();
    active.set(roomId, t);
    // Repeats are forwarded too (cheap), so a member who just connected hears it.
    notifier.typing(roomId, me(), true);
    return {};
  });

  socket.on('disconnect', () => {
    for (const roomId of [...active.keys()]) stop(roomId);
  });
}
