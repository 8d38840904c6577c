import { ClientEvent, TYPING_TTL_MS } from '@converge/protocol';
import type { HandlerDeps } from './handler.deps';
import type { SocketNotifier } from './socket.notifier';
import type { ChatSocket } from './socket.types';
import type { TypingCoalescer } from './typing.coalescer';

/**
 * `typing`: members only, within the user's typing limit; the other members hear it, and a
 * `typing: true` that is not repeated expires by itself after 5 s (the server sends `typing: false`),
 * as it does when the socket goes. Repeats keep it alive but reach the others at most once per 2 s
 * (the pod's coalescer); a `typing: false` is passed on whenever the state changes.
 */
export function registerTypingHandlers(
  socket: ChatSocket,
  d: HandlerDeps,
  notifier: SocketNotifier,
  coalescer: TypingCoalescer,
  ttlMs = TYPING_TTL_MS,
): void {
  const me = () => socket.data.userId;
  const active = new Map<string, NodeJS.Timeout>();
  const stop = (roomId: string) => {
    clearTimeout(active.get(roomId));
    active.delete(roomId);
    coalescer.stopped(me(), roomId);
    notifier.typing(roomId, me(), false);
  };

  d.handle(socket, ClientEvent.Typing, async ({ roomId, typing }, { userId }) => {
    // Limited before the membership lookup: a flood costs Redis, not PostgreSQL.
    await d.limits.consume('typing', userId);
    await d.chat.assertMember(userId, roomId);
    if (!typing) {
      if (active.has(roomId)) stop(roomId);
      return {};
    }
    clearTimeout(active.get(roomId));
    const t = setTimeout(() => stop(roomId), ttlMs);
    t.unref();
    active.set(roomId, t);
    // A repeat within the window only keeps the state alive; one per window still goes out, so a
    // member who just connected hears it.
    if (coalescer.admit(userId, roomId)) notifier.typing(roomId, me(), true);
    return {};
  });

  socket.on('disconnect', () => {
    for (const roomId of [...active.keys()]) stop(roomId);
  });
}
