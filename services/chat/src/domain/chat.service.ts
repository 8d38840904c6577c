import { randomUUID } from 'node:crypto';
import {
  addMemberBodySchema,
  AppError,
  clientEventSchemas,
  createRoomBodySchema,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_SYNC_LIMIT,
  editMessageBodySchema,
  historyQuerySchema,
  parseOrThrow,
  readBodySchema,
  renameRoomBodySchema,
  type Room,
  roomIdParamSchema,
  sendMessageBodySchema,
  seqParamSchema,
  uuidSchema,
} from '@converge/protocol';
import type { ChatMessage, ChatNotifier, ChatRepository, PresenceReader, SendLimiter } from './ports';

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

const unlimited: SendLimiter = { consume: async () => undefined };
const nobodyOnline: PresenceReader = { online: async () => new Set() };

/**
 * Rooms, members and messages: every use case of the contract, shared by REST, Socket.IO and GraphQL.
 * Inputs arrive unparsed and are validated here with the contract's schemas.
 */
export class ChatService {
  constructor(
    private readonly repo: ChatRepository,
    private readonly notify: ChatNotifier,
    private readonly limiter: SendLimiter = unlimited,
    private readonly presenceReader: PresenceReader = nobodyOnline,
  ) {}

  /** A room id from a path or payload; anything that is not a UUID is a room nobody may know. */
  private roomId(raw: unknown): string {
    const r = roomIdParamSchema.safeParse(raw);
    if (!r.success) throw notFound();
    return r.data;
  }

  private async requireMember(roomId: string, userId: string) {
    const m = await this.repo.membershipOf(roomId, userId);
    if (!m) throw notFound();
    return m;
  }

  async createRoom(callerId: string, input: unknown): Promise<{ room: Room; created: boolean }> {
    const body = parseOrThrow(createRoomBodySchema, input);
    if ('directWith' in body) {
      if (body.directWith === callerId) throw new AppError('VALIDATION_FAILED', 'directWith: a DM needs another user');
      const key = directKey(callerId, body.directWith);
      const existing = await this.repo.findDirect(key, callerId);
      if (existing) return { room: existing, created: false };
      const room = await this.repo.createRoom(
        {
          id: randomUUID(),
          name: '',
          kind: 'direct',
          directKey: key,
          members: [
            { userId: callerId, role: 'member' },
            { userId: body.directWith, role: 'member' },
          ],
        },
        callerId,
      );
      // Lost a race with the same pair starting the same DM: answer with theirs.
      if (!room) return { room: (await this.repo.findDirect(key, callerId)) ?? throwNotFound(), created: false };
      await this.announceAdded([callerId, body.directWith], room.id);
      return { room, created: true };
    }
    const others = [...new Set(body.memberIds)].filter((id) => id !== callerId);
    const room = await this.repo.createRoom(
      {
        id: randomUUID(),
        name: body.name.trim(),
        kind: 'group',
        directKey: null,
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
    for (const [userId, view] of await this.repo.roomViews(roomId, userIds)) this.notify.roomAdded(userId, view);
  }

  /** `room:updated` to every member, each with their own read marker and unread count. */
  private async announceUpdated(roomId: string): Promise<void> {
    for (const [userId, view] of await this.repo.roomViews(roomId)) this.notify.roomUpdated(userId, view);
  }

  async getRoom(callerId: string, rawRoomId: unknown): Promise<Room> {
    const room = await this.repo.roomFor(this.roomId(rawRoomId), callerId);
    if (!room) throw notFound();
    return room;
  }

  listRooms(callerId: string): Promise<Room[]> {
    return this.repo.roomsOf(callerId);
  }

  async renameRoom(callerId: string, rawRoomId: unknown, input: unknown): Promise<Room> {
    const roomId = this.roomId(rawRoomId);
    const m = await this.requireMember(roomId, callerId);
    const { name } = parseOrThrow(renameRoomBodySchema, input);
    if (m.kind === 'direct') throw new AppError('FORBIDDEN', 'a DM cannot be renamed');
    if (m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins rename a room');
    await this.repo.rename(roomId, name.trim());
    await this.announceUpdated(roomId);
    return this.getRoom(callerId, roomId);
  }

  async addMember(callerId: string, rawRoomId: unknown, input: unknown): Promise<{ userId: string; role: 'member' }> {
    const roomId = this.roomId(rawRoomId);
    const m = await this.requireMember(roomId, callerId);
    const { userId } = parseOrThrow(addMemberBodySchema, input);
    if (m.kind === 'direct') throw new AppError('FORBIDDEN', 'members of a DM cannot change');
    if (m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins add members');
    await this.repo.addMember(roomId, userId, 'member');
    await this.announceAdded([userId], roomId);
    await this.announceUpdated(roomId);
    return { userId, role: 'member' };
  }

  /** Admins remove anyone; anyone may remove themselves (leave). */
  async removeMember(callerId: string, rawRoomId: unknown, rawUserId: unknown): Promise<void> {
    const roomId = this.roomId(rawRoomId);
    const m = await this.requireMember(roomId, callerId);
    const target = uuidSchema.safeParse(rawUserId);
    if (!target.success) throw new AppError('NOT_FOUND', 'no such member');
    const self = target.data === callerId;
    if (!self && m.kind === 'direct') throw new AppError('FORBIDDEN', 'members of a DM cannot change');
    if (!self && m.role !== 'admin') throw new AppError('FORBIDDEN', 'only admins remove members');
    if (!(await this.repo.removeMember(roomId, target.data))) throw new AppError('NOT_FOUND', 'no such member');
    await this.left(target.data, [roomId]);
  }

  /** A user left rooms (removed, or deleted by the user service): their sockets leave, the others hear it. */
  async left(userId: string, roomIds: string[]): Promise<void> {
    for (const roomId of roomIds) {
      this.notify.roomRemoved(userId, roomId);
      await this.announceUpdated(roomId);
    }
  }

  async send(callerId: string, rawRoomId: unknown, input: unknown): Promise<SendOutcome> {
    const roomId = this.roomId(rawRoomId);
    const body = parseOrThrow(sendMessageBodySchema, input);
    await this.limiter.consume(callerId);
    const result = await this.repo.send(roomId, callerId, body.body, body.clientMsgId);
    if (!result) throw notFound();
    // Pushed only after commit; a retried send re-pushes the stored message, which clients de-duplicate by seq.
    this.notify.messageNew(result.message);
    return result;
  }

  async edit(callerId: string, rawRoomId: unknown, rawSeq: unknown, input: unknown): Promise<ChatMessage> {
    const roomId = this.roomId(rawRoomId);
    await this.requireMember(roomId, callerId);
    const { body } = parseOrThrow(editMessageBodySchema, input);
    const msg = await this.existing(roomId, rawSeq);
    if (msg.senderId !== callerId) throw new AppError('FORBIDDEN', 'only the author edits a message');
    if (msg.deletedAt) throw new AppError('NOT_FOUND', 'the message was deleted');
    const updated = await this.repo.edit(roomId, msg.seq, body);
    this.notify.messageUpdated(updated);
    return updated;
  }

  async delete(callerId: string, rawRoomId: unknown, rawSeq: unknown): Promise<void> {
    const roomId = this.roomId(rawRoomId);
    const m = await this.requireMember(roomId, callerId);
    const msg = await this.existing(roomId, rawSeq);
    if (msg.senderId !== callerId && m.role !== 'admin') throw new AppError('FORBIDDEN', 'only the author or an admin deletes');
    if (msg.deletedAt) return;
    this.notify.messageUpdated(await this.repo.softDelete(roomId, msg.seq));
  }

  private async existing(roomId: string, rawSeq: unknown): Promise<ChatMessage> {
    const seq = seqParamSchema.safeParse(rawSeq);
    const msg = seq.success ? await this.repo.message(roomId, seq.data) : undefined;
    if (!msg) throw new AppError('NOT_FOUND', 'no such message');
    return msg;
  }

  async history(callerId: string, rawRoomId: unknown, query: unknown): Promise<MessagePageOut> {
    const roomId = this.roomId(rawRoomId);
    await this.requireMember(roomId, callerId);
    const q = parseOrThrow(historyQuerySchema, query);
    const limit = q.limit ?? DEFAULT_HISTORY_LIMIT;
    const rows =
      q.after !== undefined
        ? await this.repo.after(roomId, q.after, limit + 1)
        : await this.repo.before(roomId, q.before, limit + 1);
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** What a client missed since `afterSeq`, oldest first: the source of truth behind real-time push. */
  async sync(callerId: string, input: unknown): Promise<MessagePageOut> {
    const p = parseOrThrow(clientEventSchemas['room:sync'], input);
    await this.requireMember(p.roomId, callerId);
    const limit = p.limit ?? DEFAULT_SYNC_LIMIT;
    const rows = await this.repo.after(p.roomId, p.afterSeq, limit + 1);
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async markRead(callerId: string, rawRoomId: unknown, input: unknown): Promise<void> {
    const roomId = this.roomId(rawRoomId);
    const { seq } = parseOrThrow(readBodySchema, input);
    await this.requireMember(roomId, callerId);
    const marker = await this.repo.markRead(roomId, callerId, seq);
    this.notify.roomRead(roomId, callerId, marker);
  }

  /** For typing and subscriptions: only members may see or signal them. Returns the parsed room id. */
  async assertMember(callerId: string, rawRoomId: unknown): Promise<string> {
    const roomId = this.roomId(rawRoomId);
    await this.requireMember(roomId, callerId);
    return roomId;
  }

  /** Who of the room's members is online (a socket on any pod). */
  async presence(callerId: string, rawRoomId: unknown): Promise<{ userId: string; online: boolean }[]> {
    const roomId = this.roomId(rawRoomId);
    await this.requireMember(roomId, callerId);
    const members = await this.repo.memberIds(roomId);
    const online = await this.presenceReader.online(members);
    return members.map((userId) => ({ userId, online: online.has(userId) }));
  }
}
