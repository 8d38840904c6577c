import { randomUUID } from 'node:crypto';
import {
  type AddMemberBody,
  AppError,
  type CreateRoomBody,
  DEFAULT_CHANGES_LIMIT,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_SYNC_LIMIT,
  type EditMessageBody,
  type HistoryQuery,
  DEFAULT_PUBLIC_ROOMS_LIMIT,
  type PublicRoomPage,
  type PublicRoomsQuery,
  type ReadBody,
  type Room,
  type UpdateRoomBody,
  type SendMessageBody,
} from '@converge/protocol';
import type { ChatMessage, ChatNotifier, MessageRepository, PresenceReader, RoomRepository, ActionLimiter } from './ports';
import type { ReactionOp } from './reactions';
import { decodeCursor, encodeCursor, searchPrefix } from './public-rooms';
import { SYSTEM_MESSAGE_IMMUTABLE } from './room-changes';

const notFound = () => new AppError('NOT_FOUND', 'no such room');
const throwNotFound = (): never => {
  throw notFound();
};

/** The key that makes a DM unique per pair, whoever starts it. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export interface MessagePageOut {
  messages: ChatMessage[];
  hasMore: boolean;
}

export interface SendOutcome {
  message: ChatMessage;
  created: boolean;
}

/** What `room:sync` asks for (the parsed payload). */
export interface SyncRequest {
  roomId: string;
  afterSeq: number;
  limit?: number | undefined;
}

/** What `room:changes` asks for (the parsed payload, or the REST query). */
export interface ChangesRequest {
  roomId: string;
  afterRev: number;
  limit?: number | undefined;
}

export interface ChangesPageOut extends MessagePageOut {
  lastRev: number;
}

const unlimited: ActionLimiter = { consume: async () => undefined };
const nobodyOnline: PresenceReader = { online: async () => new Set() };

/** The repositories the use cases work on, one per aggregate. */
export interface ChatRepositories {
  rooms: RoomRepository;
  messages: MessageRepository;
}

/**
 * Rooms, members and messages: every use case of the contract, shared by REST, Socket.IO and GraphQL.
 * Inputs arrive parsed: each transport validates once at its edge with the contract's schemas.
 */
export class ChatService {
  private readonly rooms: RoomRepository;
  private readonly messages: MessageRepository;

  constructor(
    repos: ChatRepositories,
    private readonly notify: ChatNotifier,
    private readonly limiter: ActionLimiter = unlimited,
    private readonly presenceReader: PresenceReader = nobodyOnline,
  ) {
    this.rooms = repos.rooms;
    this.messages = repos.messages;
  }

  private async requireMember(roomId: string, userId: string) {
    const m = await this.rooms.membershipOf(roomId, userId);
    if (!m) throw notFound();
    return m;
  }

  async createRoom(callerId: string, body: CreateRoomBody): Promise<{ room: Room; created: boolean }> {
    await this.limiter.consume('room:create', callerId);
    if ('directWith' in body) {
      if (body.directWith === callerId) throw new AppError('VALIDATION_FAILED', 'directWith: a DM needs another user');
      const key = directKey(callerId, body.directWith);
      const existing = await this.rooms.findDirect(key, callerId);
      if (existing) return { room: existing, created: false };
      const room = await this.rooms.createRoom(
        {
          id: randomUUID(),
          name: '',
          kind: 'direct',
          directKey: key,
          visibility: 'private',
          members: [
            { userId: callerId, role: 'member' },
            { userId: body.directWith, role: 'member' },
          ],
        },
        callerId,
      );
      // Lost a race with the same pair starting the same DM: answer with theirs.
      if (!room) return { room: (await this.rooms.findDirect(key, callerId)) ?? throwNotFound(), created: false };
      await this.announceAdded([callerId, body.directWith], room.id);
      return { room, created: true };
    }
    const others = [...new Set(body.memberIds)].filter((id) => id !== callerId);
    const room = await this.rooms.createRoom(
      {
        id: randomUUID(),
        name: body.name.trim(),
        kind: 'group',
        directKey: null,
        visibility: body.visibility ?? 'private',
        members: [{ userId: callerId, role: 'admin' }, ...others.map((userId) => ({ userId, role: 'member' as const }))],
      },
      callerId,
    );
    if (!room) throw notFound();
    await this.announceAdded([callerId, ...others], room.id);
    return { room, created: true };
  }

  /** Every new member's sockets join the room (on every pod) and hear `room:added` with their own view. */
  private async announceAdded(userIds: string[], roomId: string): Promise<void> {
    for (const [userId, view] of await this.rooms.roomViews(roomId, userIds)) this.notify.roomAdded(userId, view);
  }

  /** `room:updated` to every member, each with their own read marker and unread count. */
  private async announceUpdated(roomId: string): Promise<void> {
    for (const [userId, view] of await this.rooms.roomViews(roomId)) this.notify.roomUpdated(userId, view);
  }

  async getRoom(callerId: string, roomId: string): Promise<Room> {
    const room = await this.rooms.roomFor(roomId, callerId);
    if (!room) throw notFound();
    return room;
  }

  listRooms(callerId: string): Promise<Room[]> {
    return this.rooms.roomsOf(callerId);
  }

  /** Admins rename a group or change its visibility; each real change is a system message in the timeline. */
  async updateRoom(callerId: string, roomId: string, body: UpdateRoomBody): Promise<Room> {
    const m = await this.requireMember(roomId, callerId);
    if (m.kind === 'direct') throw new AppError('FORBIDDEN', 'a DM cannot be renamed or made public');
    if (m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins change a room');
    const wanted = { ...(body.name !== undefined ? { name: body.name.trim() } : {}), ...(body.visibility ? { visibility: body.visibility } : {}) };
    const changes = (await this.rooms.updateRoom(roomId, callerId, wanted)) ?? throwNotFound();
    if (changes.length) {
      for (const message of changes) this.notify.messageNew(message);
      await this.announceUpdated(roomId);
    }
    return this.getRoom(callerId, roomId);
  }

  /** v1's rename: an update with a name. */
  renameRoom(callerId: string, roomId: string, body: UpdateRoomBody): Promise<Room> {
    return this.updateRoom(callerId, roomId, body);
  }

  async addMember(callerId: string, roomId: string, { userId }: AddMemberBody): Promise<{ userId: string; role: 'member' }> {
    await this.limiter.consume('room:members', callerId);
    const m = await this.requireMember(roomId, callerId);
    if (m.kind === 'direct') throw new AppError('FORBIDDEN', 'members of a DM cannot change');
    if (m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins add members');
    const message = await this.rooms.addMember(roomId, userId, 'member', callerId);
    // The new member's sockets join first, so the system message reaches them too where the join was quick.
    await this.announceAdded([userId], roomId);
    this.notify.messageNew(message);
    await this.announceUpdated(roomId);
    return { userId, role: 'member' };
  }

  /** Admins remove anyone; anyone may remove themselves (leave). */
  async removeMember(callerId: string, roomId: string, targetId: string): Promise<void> {
    await this.limiter.consume('room:members', callerId);
    const m = await this.requireMember(roomId, callerId);
    const self = targetId === callerId;
    if (!self && m.kind === 'direct') throw new AppError('FORBIDDEN', 'members of a DM cannot change');
    if (!self && m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins remove members');
    const message = await this.rooms.removeMember(roomId, targetId, callerId);
    if (!message) throw new AppError('NOT_FOUND', 'no such member');
    // To the members who stay: the one who left hears room:removed, and nothing of the room after
    // their removal (their sockets may still be in the room channel until room:removed reaches them).
    this.notify.messageNew(message, targetId);
    await this.left(targetId, [roomId]);
  }

  /** A user left rooms (removed, or deleted by the user service): their sockets leave, the others hear it. */
  async left(userId: string, roomIds: string[]): Promise<void> {
    for (const roomId of roomIds) {
      this.notify.roomRemoved(userId, roomId);
      await this.announceUpdated(roomId);
    }
  }

  /** The directory of public rooms, for any signed-in user: by name, a prefix search, keyset pages. */
  async publicRooms(callerId: string, q: PublicRoomsQuery): Promise<PublicRoomPage> {
    await this.limiter.consume('room:directory', callerId);
    const limit = q.limit ?? DEFAULT_PUBLIC_ROOMS_LIMIT;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await this.rooms.publicRooms({ prefix: searchPrefix(q.search), after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      rooms: page.map(({ key: _, ...room }) => room),
      nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null,
    };
  }

  /** Joins a public room: `created` false when the caller was a member already; private or unknown is NOT_FOUND. */
  async join(callerId: string, roomId: string): Promise<{ room: Room; created: boolean }> {
    await this.limiter.consume('room:members', callerId);
    const result = await this.rooms.join(roomId, callerId);
    if (result.outcome === 'not_found') throw notFound();
    if (result.outcome === 'joined') {
      await this.announceAdded([callerId], roomId);
      this.notify.messageNew(result.message);
      await this.announceUpdated(roomId);
    }
    return { room: await this.getRoom(callerId, roomId), created: result.outcome === 'joined' };
  }

  async send(callerId: string, roomId: string, body: SendMessageBody): Promise<SendOutcome> {
    await this.limiter.consume('message:send', callerId);
    const result = await this.messages.send(roomId, callerId, body.body, body.clientMsgId);
    if (!result) throw notFound();
    // Pushed only after commit; a retried send re-pushes the stored message, which clients de-duplicate by seq.
    this.notify.messageNew(result.message);
    return result;
  }

  async edit(callerId: string, roomId: string, seq: number, { body }: EditMessageBody): Promise<ChatMessage> {
    await this.limiter.consume('message:edit', callerId);
    await this.requireMember(roomId, callerId);
    const msg = await this.existing(roomId, seq);
    if (msg.kind === 'system') throw new AppError('VALIDATION_FAILED', SYSTEM_MESSAGE_IMMUTABLE);
    if (msg.senderId !== callerId) throw new AppError('FORBIDDEN', 'only the author edits a message');
    if (msg.deletedAt) throw new AppError('NOT_FOUND', 'the message was deleted');
    const updated = await this.messages.edit(roomId, msg.seq, body);
    this.notify.messageUpdated(updated);
    return updated;
  }

  async delete(callerId: string, roomId: string, seq: number): Promise<void> {
    await this.limiter.consume('message:delete', callerId);
    const m = await this.requireMember(roomId, callerId);
    const msg = await this.existing(roomId, seq);
    if (msg.kind === 'system') throw new AppError('VALIDATION_FAILED', SYSTEM_MESSAGE_IMMUTABLE);
    if (msg.senderId !== callerId && m.role !== 'admin') throw new AppError('FORBIDDEN', 'only the author or an admin deletes');
    if (msg.deletedAt) return;
    // Undefined: a concurrent delete won; it took the rev and announced the tombstone.
    const tombstone = await this.messages.softDelete(roomId, msg.seq);
    if (tombstone) this.notify.messageUpdated(tombstone);
  }

  /** Adds or removes the caller's reaction; only a change takes a rev and is announced (a repeat is a quiet no-op). */
  async react(callerId: string, roomId: string, seq: number, emoji: string, op: ReactionOp): Promise<ChatMessage> {
    await this.limiter.consume('reaction', callerId);
    await this.requireMember(roomId, callerId);
    const { message, changed } = await this.messages.react(roomId, seq, callerId, emoji, op);
    if (changed) this.notify.messageUpdated(message);
    return message;
  }

  private async existing(roomId: string, seq: number): Promise<ChatMessage> {
    const msg = await this.messages.message(roomId, seq);
    if (!msg) throw new AppError('NOT_FOUND', 'no such message');
    return msg;
  }

  async history(callerId: string, roomId: string, q: HistoryQuery): Promise<MessagePageOut> {
    await this.requireMember(roomId, callerId);
    const limit = q.limit ?? DEFAULT_HISTORY_LIMIT;
    const rows =
      q.after !== undefined
        ? await this.messages.after(roomId, q.after, limit + 1)
        : await this.messages.before(roomId, q.before, limit + 1);
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** What a client missed since `afterSeq`, oldest first: the source of truth behind real-time push. */
  async sync(callerId: string, p: SyncRequest): Promise<MessagePageOut> {
    await this.limiter.consume('room:sync', callerId);
    await this.requireMember(p.roomId, callerId);
    const limit = p.limit ?? DEFAULT_SYNC_LIMIT;
    const rows = await this.messages.after(p.roomId, p.afterSeq, limit + 1);
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /**
   * The changes feed: every message created, edited, deleted or reacted to after `afterRev`, in rev
   * order, each once in its latest state. What a client that saw a rev jump (or reconnected) missed,
   * edits and deletes included; room:sync stays the catch-up of new messages by seq.
   */
  async changes(callerId: string, p: ChangesRequest): Promise<ChangesPageOut> {
    // The same catch-up as room:sync, by rev: one budget.
    await this.limiter.consume('room:sync', callerId);
    await this.requireMember(p.roomId, callerId);
    const limit = p.limit ?? DEFAULT_CHANGES_LIMIT;
    const { messages, lastRev } = await this.messages.changes(p.roomId, p.afterRev, limit + 1);
    return { messages: messages.slice(0, limit), hasMore: messages.length > limit, lastRev };
  }

  async markRead(callerId: string, roomId: string, { seq }: ReadBody): Promise<void> {
    await this.limiter.consume('room:read', callerId);
    await this.requireMember(roomId, callerId);
    const marker = await this.rooms.markRead(roomId, callerId, seq);
    this.notify.roomRead(roomId, callerId, marker);
  }

  /** For typing and subscriptions: only members may see or signal them. */
  async assertMember(callerId: string, roomId: string): Promise<string> {
    await this.requireMember(roomId, callerId);
    return roomId;
  }

  /** Who of the room's members is online (a socket on any pod). */
  async presence(callerId: string, roomId: string): Promise<{ userId: string; online: boolean }[]> {
    await this.requireMember(roomId, callerId);
    const members = await this.rooms.memberIds(roomId);
    const online = await this.presenceReader.online(members);
    return members.map((userId) => ({ userId, online: online.has(userId) }));
  }
}
