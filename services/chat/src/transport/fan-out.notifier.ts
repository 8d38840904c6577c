import type { Room } from '@converge/protocol';
import type { ChatMessage, ChatNotifier } from '../domain/ports';
import type { RoomEventBus } from './graphql/room-event.bus';
import { leftTopic, messageAddedTopic, messageUpdatedTopic } from './graphql/rooms.resolver';
import type { SocketNotifier } from './socket/socket.notifier';

/** The domain's one notifier: every change goes to the sockets (Socket.IO across pods) and to GraphQL subscribers. */
export class FanOutNotifier implements ChatNotifier {
  constructor(
    private readonly sockets: SocketNotifier,
    private readonly bus: RoomEventBus,
  ) {}
  messageNew(m: ChatMessage, except?: string): void {
    this.sockets.messageNew(m, except);
    this.bus.publish(messageAddedTopic(m.roomId), m);
  }
  messageUpdated(m: ChatMessage): void {
    this.sockets.messageUpdated(m);
    this.bus.publish(messageUpdatedTopic(m.roomId), m);
  }
  roomAdded(userId: string, room: Room): void {
    this.sockets.roomAdded(userId, room);
  }
  roomRemoved(userId: string, roomId: string): void {
    this.sockets.roomRemoved(userId, roomId);
    this.bus.publish(leftTopic(roomId, userId), {});
  }
  roomUpdated(viewerId: string, room: Room): void {
    this.sockets.roomUpdated(viewerId, room);
  }
  roomRead(roomId: string, userId: string, seq: number): void {
    this.sockets.roomRead(roomId, userId, seq);
  }
}
