import type { Member, MemberRole, Message, PublicRoom, Room, RoomKind, RoomVisibility, User } from '@converge/protocol';
import type { DirectoryKey } from './public-rooms';
import type { RoomSettings } from './room-changes';
import type { ReactionOp } from './reactions';

export interface NewRoom {
  id: string;
  name: string;
  kind: RoomKind;
  /** For DMs: the sorted pair of user ids, unique, so the same pair always gets the same room. */
  directKey: string | null;
  members: Member[];
  visibility: RoomVisibility;
}

/** What `join` found: the caller's `joined` system message, `member` already, or `not_found` (unknown or private). */
export type JoinResult = { outcome: 'joined'; message: ChatMessage } | { outcome: 'member' } | { outcome: 'not_found' };

/** One directory read: rooms whose lower-cased name starts with `prefix`, after `after`, by (lower(name), id). */
export interface DirectoryRead {
  prefix: string;
  after: DirectoryKey | undefined;
  limit: number;
}

/** A message as stored, plus the sender's display name when the user directory knows it (null: unknown or deleted). */
export type ChatMessage = Message & { senderName: string | null };

export type SendResult = { message: ChatMessage; created: boolean };

/** A reaction change: the message after it, and whether it changed (false: the idempotent repeat, no rev taken). */
export type ReactionResult = { message: ChatMessage; changed: boolean };

/** What the changes feed reads: messages changed after a rev, in rev order, and the room's current rev. */
export type ChangesRead = { messages: ChatMessage[]; lastRev: number };

/**
 * Rooms and their members (with each member's read marker). Every change writes its CHAT event in
 * the same transaction (transactional outbox).
 */
export interface RoomRepository {
  /** The new room as the creator sees it; undefined when a DM of the same pair already exists. */
  createRoom(room: NewRoom, actorId: string): Promise<Room | undefined>;
  /** The existing DM for a pair, if any. */
  findDirect(directKey: string, viewerId: string): Promise<Room | undefined>;
  /** The room as `viewerId` sees it, or undefined when the room is unknown or they are not a member. */
  roomFor(roomId: string, viewerId: string): Promise<Room | undefined>;
  roomsOf(userId: string): Promise<Room[]>;
  /** Only the ids (socket joins on connect): no counts, no member lists. */
  roomIdsOf(userId: string): Promise<string[]>;
  membershipOf(roomId: string, userId: string): Promise<{ role: MemberRole; kind: RoomKind } | undefined>;
  memberIds(roomId: string): Promise<string[]>;
  /** The room as each of its members sees it (or only `viewerIds`), in one read: announcing a change costs one query, not one per member. */
  roomViews(roomId: string, viewerIds?: string[]): Promise<Map<string, Room>>;
  /*
   * Membership and room changes: each stores its system messages in the room's timeline (a seq and a
   * rev each) in the change's transaction, with their CHAT events, and returns them to announce.
   */
  /** The changed settings' system messages (`renamed`, `visibility`), none when nothing changed; undefined for an unknown room. */
  updateRoom(roomId: string, actorId: string, wanted: Partial<RoomSettings>): Promise<ChatMessage[] | undefined>;
  /** The `added` system message (actor `actorId`). Throws CONFLICT when already a member. */
  addMember(roomId: string, userId: string, role: MemberRole, actorId: string): Promise<ChatMessage>;
  /** The `left` (actor = user) or `removed` system message; undefined when `userId` was not a member. */
  removeMember(roomId: string, userId: string, actorId: string): Promise<ChatMessage | undefined>;
  /** Makes `userId` a member of a public group room; the joiner's read marker starts at their `joined` message. */
  join(roomId: string, userId: string): Promise<JoinResult>;
  /** The directory of public rooms (with each one's key, for the next page's cursor). */
  publicRooms(q: DirectoryRead): Promise<(PublicRoom & { key: DirectoryKey })[]>;
  /** Moves the read marker forward only, never past the room's last seq; returns the marker after the move. */
  markRead(roomId: string, userId: string, seq: number): Promise<number>;
}

/**
 * The messages of rooms, each with a gap-free seq per room. Every change (send, edit, delete,
 * reaction) takes the room's next gap-free rev and writes its CHAT event in the same transaction.
 */
export interface MessageRepository {
  /**
   * Stores a message with the next gap-free seq of its room, or returns the message this sender
   * already stored with the same clientMsgId (then `created` is false and no seq is used).
   * Undefined when the sender is not a member of the room (or the room does not exist).
   */
  send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult | undefined>;
  message(roomId: string, seq: number): Promise<ChatMessage | undefined>;
  /** NOT_FOUND when there is no such live message. */
  edit(roomId: string, seq: number, body: string): Promise<ChatMessage>;
  /** The tombstone (body null, no reactions); undefined when it was deleted already (no rev taken). */
  softDelete(roomId: string, seq: number): Promise<ChatMessage | undefined>;
  /**
   * Adds or removes `userId`'s `emoji` on a live message (NOT_FOUND otherwise). A 21st distinct emoji
   * is VALIDATION_FAILED. Concurrent reactions to one message all count.
   */
  react(roomId: string, seq: number, userId: string, emoji: string, op: ReactionOp): Promise<ReactionResult>;
  /** Messages whose latest rev is above `afterRev`, in rev order, at most `limit`. */
  changes(roomId: string, afterRev: number, limit: number): Promise<ChangesRead>;
  /** Oldest first after `afterSeq`. */
  after(roomId: string, afterSeq: number, limit: number): Promise<ChatMessage[]>;
  /** Newest first before `beforeSeq` (or the latest when undefined). */
  before(roomId: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]>;
}

/** The user directory, fed by `USERS` events; every method is idempotent by `eventId`. */
export interface UserDirectory {
  /** Records a registered or updated user; false when the event was already processed. */
  upsert(eventId: string, user: User, at: Date): Promise<boolean>;
  /** Marks the user deleted and removes them from every room; the rooms they left (empty when already processed). */
  delete(eventId: string, user: User, at: Date): Promise<string[]>;
}

/** Ends what a deleted user still holds: their sockets on every pod, and their tokens' use. */
export interface AccountSessions {
  accountDeleted(userId: string): void;
}

/**
 * What a user is limited in, each counted on its own budget (limits/limits.table.ts): the socket
 * events and the REST/GraphQL use cases behind them; `room:members` counts adds and removals.
 */
export type LimitedAction =
  | 'message:send'
  | 'message:edit'
  | 'message:delete'
  | 'room:read'
  | 'room:sync'
  | 'reaction'
  | 'typing'
  | 'room:create'
  | 'room:members'
  | 'room:directory';

/** Per-user limits that protect the service, whichever transport the work came in on. */
export interface ActionLimiter {
  /** Resolves when the user may do `action` now; throws RATE_LIMITED (with a retry delay) otherwise. */
  consume(action: LimitedAction, userId: string): Promise<void>;
}

/** What the transports broadcast after a change committed (Socket.IO across pods, GraphQL subscriptions). */
export interface ChatNotifier {
  /** `except`: a user none of whose sockets hear it (the member a removal announces has left). */
  messageNew(message: ChatMessage, except?: string): void;
  messageUpdated(message: ChatMessage): void;
  roomAdded(userId: string, room: Room): void;
  roomRemoved(userId: string, roomId: string): void;
  /** `room` as `viewerId` sees it (their read marker and unread count): for that member only. */
  roomUpdated(viewerId: string, room: Room): void;
  roomRead(roomId: string, userId: string, seq: number): void;
}

/** Who is online (a socket on any pod): answered from Redis, best effort. */
export interface PresenceReader {
  online(userIds: string[]): Promise<Set<string>>;
}
