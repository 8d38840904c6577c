import { ClientEvent } from '@converge/protocol';
import { countedSync } from '../../chat.metrics';
import type { HandlerDeps } from './handler.deps';
import type { ChatSocket } from './socket.types';

/** room:sync and room:changes (catch up from PostgreSQL, the truth behind push: by seq, by rev) and room:read (the read marker). */
export function registerRoomHandlers(socket: ChatSocket, d: HandlerDeps): void {
  d.handle(socket, ClientEvent.RoomSync, (p, { userId }) => countedSync(d.metrics, 'socket', () => d.chat.sync(userId, p)));

  d.handle(socket, ClientEvent.RoomChanges, (p, { userId }) => d.chat.changes(userId, p));

  d.handle(socket, ClientEvent.RoomRead, async ({ roomId, seq }, { userId }) => {
    await d.chat.markRead(userId, roomId, { seq });
    return {};
  });
}
