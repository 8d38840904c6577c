import { type Room, ServerEvent } from '@converge/protocol';
import type { ChatMessage, ChatNotifier } from '../../domain/ports';
import type { ChatIo } from './socket.types';

export const roomChannel = (roomId: string) => `room:${roomId}`;
/** The room id of a room channel; undefined for any other (a user channel, a socket's own room). */
export const roomIdOfChannel = (channel: string): string | undefined => (channel.startsWith('room:') ? channel.slice(5) : undefined);
export const userChannel = (userId: string) => `user:${userId}`;

/**
 * Socket.IO rooms fan out across pods through the Redis adapter: one publish per event, each pod
 * writes to its own sockets. Delivery is best effort; room:sync from PostgreSQL is the truth.
 */
export class SocketNotifier implements ChatNotifier {
  io: ChatIo | undefined;

  messageNew(m: ChatMessage, except?: string): void {
    if (!this.io) return;
    const to = this.io.to(roomChannel(m.roomId));
    (except ? to.except(userChannel(except)) : to).emit(ServerEvent.MessageNew, m);
  }
  messageUpdated(m: ChatMessage): void {
    this.io?.to(roomChannel(m.roomId)).emit(ServerEvent.MessageUpdated, m);
  }
  roomAdded(userId: string, room: Room): void {
    if (!this.io) return;
    // Every socket of the user, on every pod, joins the room live.
    this.io.in(userChannel(userId)).socketsJoin(roomChannel(room.id));
    this.io.to(userChannel(userId)).emit(ServerEvent.RoomAdded, room);
  }
  roomRemoved(userId: string, roomId: string): void {
    if (!this.io) return;
    this.io.to(userChannel(userId)).emit(ServerEvent.RoomRemoved, { roomId });
    this.io.in(userChannel(userId)).socketsLeave(roomChannel(roomId));
  }
  roomUpdated(viewerId: string, room: Room): void {
    this.io?.to(userChannel(viewerId)).emit(ServerEvent.RoomUpdated, room);
  }
  roomRead(roomId: string, userId: string, seq: number): void {
    this.io?.to(roomChannel(roomId)).emit(ServerEvent.RoomRead, { roomId, userId, seq });
  }
  presence(userId: string, roomIds: string[], online: boolean): void {
    if (roomIds.length) this.io?.to(roomIds.map(roomChannel)).except(userChannel(userId)).emit(ServerEvent.Presence, { userId, online });
  }
  /** Every socket of the user, on every pod (through the adapter), is told why and closed. */
  disconnectUser(userId: string): void {
    if (!this.io) return;
    this.io.to(userChannel(userId)).emit(ServerEvent.AuthExpired, { code: 'UNAUTHENTICATED' });
    this.io.in(userChannel(userId)).disconnectSockets(true);
  }
  typing(roomId: string, userId: string, typing: boolean): void {
    this.io?.to(roomChannel(roomId)).except(userChannel(userId)).emit(ServerEvent.Typing, { roomId, userId, typing });
  }
}
