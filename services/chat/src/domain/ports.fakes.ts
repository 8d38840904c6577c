import { randomUUID } from 'node:crypto';
import { AppError, type MemberRole, type PublicRoom, type Room, ServerEvent, type SystemEvent } from '@converge/protocol';
import type {
  ChatMessage,
  ChatNotifier,
  ChangesRead,
  DirectoryRead,
  JoinResult,
  MessageRepository,
  NewRoom,
  ReactionResult,
  RoomRepository,
  SendResult,
} from './ports';
import type { DirectoryKey } from './public-rooms';
import { removalEvent, roomChangeEvents, type RoomSettings } from './room-changes';
import { decideReaction, type ReactionOp, summarizeReactions } from './reactions';

interface FakeRoom extends NewRoom {
  createdAt: string;
  lastSeq: number;
  lastRev: number;
  /** Bumped by every stored message: the room list is ordered by it, most recent first. */
  activity: number;
  read: Map<string, number>;
}

/** What both fakes share, as the two PostgreSQL repositories share the database. */
export class FakeChatStore {
  readonly rooms = new Map<string, FakeRoom>();
  readonly messages: ChatMessage[] = [];
  /** Reaction rows in order of first use, per message id. */
  readonly reactions = new Map<string, { emoji: string; userId: string }[]>();
  clock = 0;

  /** A system message with the room's next seq and rev (what persistence/system-messages.ts stores). */
  appendSystem(r: FakeRoom, actorId: string, system: SystemEvent): ChatMessage {
    const id = randomUUID();
    const message: ChatMessage = {
      id, roomId: r.id, seq: ++r.lastSeq, senderId: actorId, body: null, clientMsgId: `system:${id}`,
      createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, rev: ++r.lastRev, reactions: [],
      kind: 'system', system, senderName: null,
    };
    this.messages.push(message);
    r.activity = ++this.clock;
    return { ...message };
  }
}

/**
 * In-memory RoomRepository with the same rules as PostgreSQL; the repository contract suite
 * (persistence/repository.contract.ts) runs over both, so they cannot drift.
 */
export class FakeRoomRepository implements RoomRepository {
  constructor(readonly store: FakeChatStore = new FakeChatStore()) {}

  private view(r: FakeRoom, viewerId: string): Room | undefined {
    if (!r.members.some((m) => m.userId === viewerId)) return undefined;
    const readSeq = r.read.get(viewerId) ?? 0;
    const unreadCount = this.store.messages.filter((m) => m.roomId === r.id && m.seq > readSeq && m.senderId !== viewerId && !m.deletedAt && m.kind === 'user').length;
    // The directory of display names is not faked: unknown to it, as PostgreSQL answers for an unknown user.
    const members = r.members.map((m) => ({ userId: m.userId, role: m.role, displayName: null }));
    return { id: r.id, name: r.name, kind: r.kind, visibility: r.visibility, createdAt: r.createdAt, lastSeq: r.lastSeq, lastRev: r.lastRev, unreadCount, readSeq, members };
  }

  async createRoom(room: NewRoom, actorId: string): Promise<Room | undefined> {
    if (room.directKey && [...this.store.rooms.values()].some((r) => r.directKey === room.directKey)) return undefined;
    const activity = ++this.store.clock;
    this.store.rooms.set(room.id, { ...room, members: [...room.members], createdAt: new Date().toISOString(), lastSeq: 0, lastRev: 0, activity, read: new Map() });
    return this.roomFor(room.id, actorId);
  }
  async findDirect(key: string, viewerId: string) {
    const r = [...this.store.rooms.values()].find((x) => x.directKey === key);
    return r && this.view(r, viewerId);
  }
  async roomFor(roomId: string, viewerId: string) {
    const r = this.store.rooms.get(roomId);
    return r && this.view(r, viewerId);
  }
  async roomsOf(userId: string) {
    const rooms = [...this.store.rooms.values()].sort((a, b) => b.activity - a.activity || (a.id < b.id ? -1 : 1));
    return rooms.flatMap((r) => this.view(r, userId) ?? []);
  }
  async roomIdsOf(userId: string) {
    return (await this.roomsOf(userId)).map((r) => r.id);
  }
  async membershipOf(roomId: string, userId: string) {
    const r = this.store.rooms.get(roomId);
    const m = r?.members.find((x) => x.userId === userId);
    return r && m ? { role: m.role, kind: r.kind } : undefined;
  }
  async roomViews(roomId: string, viewerIds?: string[]) {
    const views = new Map<string, Room>();
    const r = this.store.rooms.get(roomId);
    for (const id of viewerIds ?? r?.members.map((m) => m.userId) ?? []) {
      const v = r && this.view(r, id);
      if (v) views.set(id, v);
    }
    return views;
  }
  async memberIds(roomId: string) {
    return this.store.rooms.get(roomId)?.members.map((m) => m.userId) ?? [];
  }
  async updateRoom(roomId: string, actorId: string, wanted: Partial<RoomSettings>) {
    const r = this.store.rooms.get(roomId);
    if (!r) return undefined;
    const events = roomChangeEvents(r, wanted);
    if (wanted.name !== undefined) r.name = wanted.name;
    if (wanted.visibility !== undefined) r.visibility = wanted.visibility;
    return events.map((e) => this.store.appendSystem(r, actorId, e));
  }
  async addMember(roomId: string, userId: string, role: MemberRole, actorId: string) {
    const r = this.store.rooms.get(roomId);
    if (!r) throw new AppError('NOT_FOUND', 'no such room');
    if (r.members.some((m) => m.userId === userId)) throw new AppError('CONFLICT', 'already a member');
    r.members.push({ userId, role });
    return this.store.appendSystem(r, actorId, { event: 'added', userId });
  }
  async removeMember(roomId: string, userId: string, actorId: string) {
    const r = this.store.rooms.get(roomId);
    if (!r?.members.some((m) => m.userId === userId)) return undefined;
    r.members = r.members.filter((m) => m.userId !== userId);
    r.read.delete(userId);
    return this.store.appendSystem(r, actorId, removalEvent(actorId, userId));
  }
  async join(roomId: string, userId: string): Promise<JoinResult> {
    const r = this.store.rooms.get(roomId);
    if (!r) return { outcome: 'not_found' };
    if (r.members.some((m) => m.userId === userId)) return { outcome: 'member' };
    if (r.kind !== 'group' || r.visibility !== 'public') return { outcome: 'not_found' };
    r.members.push({ userId, role: 'member' });
    const message = this.store.appendSystem(r, userId, { event: 'joined', userId });
    r.read.set(userId, message.seq);
    return { outcome: 'joined', message };
  }
  async publicRooms(q: DirectoryRead): Promise<(PublicRoom & { key: DirectoryKey })[]> {
    // Byte order of the lower-cased name, then id: the "C" collation PostgreSQL sorts the directory in.
    const cmp = (a: DirectoryKey, b: DirectoryKey) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
    return [...this.store.rooms.values()]
      .filter((r) => r.visibility === 'public' && r.name.toLowerCase().startsWith(q.prefix))
      .map((r) => ({
        id: r.id, name: r.name, memberCount: r.members.length, lastActivityAt: r.createdAt,
        key: { name: r.name.toLowerCase(), id: r.id },
      }))
      .filter((r) => !q.after || cmp(r.key, q.after) > 0)
      .sort((a, b) => cmp(a.key, b.key))
      .slice(0, q.limit);
  }
  async markRead(roomId: string, userId: string, seq: number) {
    const r = this.store.rooms.get(roomId);
    if (!r?.members.some((m) => m.userId === userId)) return 0;
    const next = Math.max(r.read.get(userId) ?? 0, Math.min(seq, r.lastSeq));
    r.read.set(userId, next);
    return next;
  }
}

/** In-memory MessageRepository over the same store as FakeRoomRepository (membership, seq, read markers). */
export class FakeMessageRepository implements MessageRepository {
  constructor(readonly store: FakeChatStore = new FakeChatStore()) {}

  async send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult | undefined> {
    const r = this.store.rooms.get(roomId);
    if (!r?.members.some((m) => m.userId === senderId)) return undefined;
    const dup = this.store.messages.find((m) => m.roomId === roomId && m.senderId === senderId && m.clientMsgId === clientMsgId);
    if (dup) return { message: { ...dup }, created: false };
    const message: ChatMessage = {
      id: randomUUID(), roomId, seq: ++r.lastSeq, senderId, body, clientMsgId,
      createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, rev: ++r.lastRev, reactions: [], kind: 'user', system: null, senderName: null,
    };
    this.store.messages.push(message);
    r.activity = ++this.store.clock;
    r.read.set(senderId, Math.max(r.read.get(senderId) ?? 0, message.seq));
    return { message: { ...message }, created: true };
  }
  private find(roomId: string, seq: number) {
    return this.store.messages.find((m) => m.roomId === roomId && m.seq === seq);
  }
  async message(roomId: string, seq: number) {
    const m = this.find(roomId, seq);
    return m && { ...m };
  }
  /** The room's next rev, on the changed message. */
  private takeRev(m: ChatMessage): ChatMessage {
    const r = this.store.rooms.get(m.roomId);
    if (r) m.rev = ++r.lastRev;
    return { ...m };
  }
  async edit(roomId: string, seq: number, body: string) {
    const m = this.find(roomId, seq);
    // A tombstone cannot be edited back to life; a system message is nobody's to edit.
    if (!m || m.deletedAt || m.kind === 'system') throw new AppError('NOT_FOUND', 'no such message');
    Object.assign(m, { body, editedAt: new Date().toISOString() });
    return this.takeRev(m);
  }
  async softDelete(roomId: string, seq: number) {
    const m = this.find(roomId, seq);
    if (!m || m.deletedAt || m.kind === 'system') return undefined;
    Object.assign(m, { body: null, deletedAt: new Date().toISOString(), reactions: [] });
    this.store.reactions.delete(m.id);
    return this.takeRev(m);
  }
  async react(roomId: string, seq: number, userId: string, emoji: string, op: ReactionOp): Promise<ReactionResult> {
    const m = this.find(roomId, seq);
    if (!m || m.deletedAt) throw new AppError('NOT_FOUND', 'no such message');
    const rows = this.store.reactions.get(m.id) ?? [];
    const decision = decideReaction(op, {
      mine: rows.some((x) => x.emoji === emoji && x.userId === userId),
      present: rows.some((x) => x.emoji === emoji),
      distinct: new Set(rows.map((x) => x.emoji)).size,
      system: m.kind === 'system',
    });
    if (decision === 'system') throw new AppError('VALIDATION_FAILED', 'a system message cannot be edited, deleted or reacted to');
    if (decision === 'too_many') throw new AppError('VALIDATION_FAILED', 'emoji: a message has at most 20 distinct reactions');
    if (decision === 'noop') return { message: { ...m }, changed: false };
    const next = op === 'add' ? [...rows, { emoji, userId }] : rows.filter((x) => !(x.emoji === emoji && x.userId === userId));
    this.store.reactions.set(m.id, next);
    m.reactions = summarizeReactions(next);
    return { message: this.takeRev(m), changed: true };
  }
  async changes(roomId: string, afterRev: number, limit: number): Promise<ChangesRead> {
    const messages = this.inRoom(roomId).filter((m) => m.rev > afterRev).sort((a, b) => a.rev - b.rev).slice(0, limit);
    return { messages, lastRev: this.store.rooms.get(roomId)?.lastRev ?? 0 };
  }
  async after(roomId: string, afterSeq: number, limit: number) {
    return this.inRoom(roomId).filter((m) => m.seq > afterSeq).slice(0, limit);
  }
  async before(roomId: string, beforeSeq: number | undefined, limit: number) {
    return this.inRoom(roomId).filter((m) => beforeSeq === undefined || m.seq < beforeSeq).reverse().slice(0, limit);
  }
  private inRoom(roomId: string): ChatMessage[] {
    return this.store.messages.filter((m) => m.roomId === roomId).sort((a, b) => a.seq - b.seq).map((m) => ({ ...m, reactions: structuredClone(m.reactions) }));
  }
}

/** Both fakes over one store, shaped as ChatService takes them. */
export function fakeRepositories(): { rooms: FakeRoomRepository; messages: FakeMessageRepository; store: FakeChatStore } {
  const store = new FakeChatStore();
  return { rooms: new FakeRoomRepository(store), messages: new FakeMessageRepository(store), store };
}

/** Records what would have been broadcast. */
export class RecordingNotifier implements ChatNotifier {
  readonly events: [string, ...unknown[]][] = [];
  messageNew(m: ChatMessage) {
    this.events.push([ServerEvent.MessageNew, m.seq]);
  }
  messageUpdated(m: ChatMessage) {
    this.events.push([ServerEvent.MessageUpdated, m.seq]);
  }
  roomAdded(userId: string, room: Room) {
    this.events.push([ServerEvent.RoomAdded, userId, room.id]);
  }
  roomRemoved(userId: string, roomId: string) {
    this.events.push([ServerEvent.RoomRemoved, userId, roomId]);
  }
  roomUpdated(viewerId: string, room: Room) {
    this.events.push([ServerEvent.RoomUpdated, viewerId, room.id]);
  }
  roomRead(roomId: string, userId: string, seq: number) {
    this.events.push([ServerEvent.RoomRead, userId, seq]);
  }
}
