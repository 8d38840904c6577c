import type { Member, MemberRole, Message, Room, RoomKind } from '@converge/protocol';

export interface NewRoom {
  id: string;
  name: string;
  kind: RoomKind;
  /** For DMs: the sorted pair of user ids, unique, so the same pair always gets the same room. */
  directKey: string | null;
  members: Member[];
}


export type SendResult = { message: Message; created: boolean };

/**
 * Rooms, members and messages in PostgreSQL. Every change writes its CHAT event in the same
 * transaction (transactional outbox).
 */
export interface ChatRepository {
  /** The new room as the creator sees it; undefined when a DM of the same pair already exists. */
  createRoom(room: NewRoom, actorId: string): Promise<Room | undefined>;
  /** The existing DM for a pair, if any. */
  findDirect(directKey: string, viewerId: string): Promise<Room | undefined>;
  /** The room as `viewerId` sees it, or undefined when the room is unknown or they are not a member. */
  roomFor(roomId: string, viewerId: string): Promise<Room | undefined>;
  roomsOf(userId: string): Promise<Room[]>;
  membershipOf(roomId: string, userId: string): Promise<{ role: MemberRole; kind: RoomKind } | undefined>;
  rename(roomId: string, name: string): Promise<void>;
  /** Throws CONFLICT when already a member. */
  addMember(roomId: string, userId: string, role: MemberRole): Promise<void>;
  removeMember(roomId: string, userId: string): Promise<boolean>;

  /**
   * Stores a message with the next gap-free seq of its room, or returns the message this sender
   * already stored with the same clientMsgId (then `created` is false and no seq is used).
   */
  send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult>;
  message(roomId: string, seq: number): Promise<Message | undefined>;
  edit(roomId: string, seq: number, body: string): Promise<Message>;
  softDelete(roomId: string, seq: number): Promise<Message>;
  /** Oldest first after `afterSeq`. */
  after(roomId: string, afterSeq: number, limit: number): Promise<Message[]>;
  /** Newest first before `beforeSeq` (or the latest when undefined). */
  before(roomId: string, beforeSeq: number | undefined, limit: number): Promise<Message[]>;
  /** Moves the read marker forward only; returns the marker after the move. */
  markRead(roomId: string, userId: string, seq: number): Promise<number>;
}

/** What the transports broadcast after a change committed (Socket.IO across pods). */
export interface ChatNotifier {
  messageNew(message: Message): void;
  messageUpdated(message: Message): void;
  roomAdded(userId: string, room: Room): void;
  roomRemoved(userId: string, roomId: string): void;
  roomUpdated(room: Room): void;
  roomRead(roomId: string, userId: string, seq: number): void;
}
