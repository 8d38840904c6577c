import { randomUUID } from 'node:crypto';
import { AppError, type MemberRole, type Room } from '@converge/protocol';
import type { ChatMessage, ChatNotifier, ChatRepository, NewRoom, SendResult } from './ports';

interface FakeRoom extends NewRoom {
  lastSeq: number;
  read: Map<string, number>;
}

/** An in-memory ChatRepository with the same rules as PostgreSQL (gap-free seq, idempotent sends). */
export class FakeChatRepository implements ChatRepository {
  readonly rooms = new Map<string, FakeRoom>();
  readonly messages: ChatMessage[] = [];

  private view(r: FakeRoom, viewerId: string): Room | undefined {
    if (!r.members.some((m) => m.userId === viewerId)) return undefined;
    const readSeq = r.read.get(viewerId) ?? 0;
    const unreadCount = this.messages.filter((m) => m.roomId === r.id && m.seq > readSeq && m.senderId !== viewerId && !m.deletedAt).length;
    return { id: r.id, name: r.name, kind: r.kind, createdAt: new Date(0).toISOString(), lastSeq: r.lastSeq, unreadCount, readSeq, members: [...r.members] };
  }

  async createRoom(room: NewRoom, actorId: string): Promise<Room | undefined> {
    if (room.directKey && [...this.rooms.values()].some((r) => r.directKey === room.directKey)) return undefined;
    this.rooms.set(room.id, { ...room, members: [...room.members], lastSeq: 0, read: new Map() });
    return this.roomFor(room.id, actorId);
  }
  async findDirect(key: string, viewerId: string) {
    const r = [...this.rooms.values()].find((x) => x.directKey === key);
    return r && this.view(r, viewerId);
  }
  async roomFor(roomId: string, viewerId: string) {
    const r = this.rooms.get(roomId);
    return r && this.view(r, viewerId);
  }
  async roomsOf(userId: string) {
    return [...this.rooms.values()].flatMap((r) => this.view(r, userId) ?? []);
  }
  async roomIdsOf(userId: string) {
    return (await this.roomsOf(userId)).map((r) => r.id);
  }
  async membershipOf(roomId: string, userId: string) {
    const r = this.rooms.get(roomId);
    const m = r?.members.find((x) => x.userId === userId);
    return r && m ? { role: m.role, kind: r.kind } : undefined;
  }
  async roomViews(roomId: string, viewerIds?: string[]) {
    const views = new Map<string, Room>();
    const r = this.rooms.get(roomId);
    for (const id of viewerIds ?? r?.members.map((m) => m.userId) ?? []) {
      const v = r && this.view(r, id);
      if (v) views.set(id, v);
    }
    return views;
  }
  async memberIds(roomId: string) {
    return this.rooms.get(roomId)?.members.map((m) => m.userId) ?? [];
  }
  async rename(roomId: string, name: string) {
    const r = this.rooms.get(roomId);
    if (r) r.name = name;
  }
  async addMember(roomId: string, userId: string, role: MemberRole) {
    const r = this.rooms.get(roomId);
    if (r?.members.some((m) => m.userId === userId)) throw new AppError('CONFLICT', 'already a member');
    r?.members.push({ userId, role });
  }
  async removeMember(roomId: string, userId: string) {
    const r = this.rooms.get(roomId);
    const before = r?.members.length ?? 0;
    if (r) r.members = r.members.filter((m) => m.userId !== userId);
    return (r?.members.length ?? 0) < before;
  }
  async send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult | undefined> {
    const r = this.rooms.get(roomId);
    if (!r?.members.some((m) => m.userId === senderId)) return undefined;
    const dup = this.messages.find((m) => m.roomId === roomId && m.senderId === senderId && m.clientMsgId === clientMsgId);
    if (dup) return { message: dup, created: false };
    const message: ChatMessage = {
      id: randomUUID(), roomId, seq: ++r.lastSeq, senderId, body, clientMsgId,
      createdAt: new Date().toISOString(), editedAt: null, deletedAt: null, senderName: null,
    };
    this.messages.push(message);
    r.read.set(senderId, message.seq);
    return { message, created: true };
  }
  async message(roomId: string, seq: number) {
    return this.messages.find((m) => m.roomId === roomId && m.seq === seq);
  }
  async edit(roomId: string, seq: number, body: string) {
    const m = await this.message(roomId, seq);
    if (!m) throw new AppError('NOT_FOUND', 'no such message');
    Object.assign(m, { body, editedAt: new Date().toISOString() });
    return m;
  }
  async softDelete(roomId: string, seq: number) {
    const m = await this.message(roomId, seq);
    if (!m) throw new AppError('NOT_FOUND', 'no such message');
    Object.assign(m, { body: null, deletedAt: new Date().toISOString() });
    return m;
  }
  async after(roomId: string, afterSeq: number, limit: number) {
    return this.messages.filter((m) => m.roomId === roomId && m.seq > afterSeq).slice(0, limit);
  }
  async before(roomId: string, beforeSeq: number | undefined, limit: number) {
    return this.messages.filter((m) => m.roomId === roomId && (beforeSeq === undefined || m.seq < beforeSeq)).reverse().slice(0, limit);
  }
  async markRead(roomId: string, userId: string, seq: number) {
    const r = this.rooms.get(roomId);
    const next = Math.max(r?.read.get(userId) ?? 0, Math.min(seq, r?.lastSeq ?? 0));
    r?.read.set(userId, next);
    return next;
  }
}

/** Records what would have been broadcast. */
export class RecordingNotifier implements ChatNotifier {
  readonly events: [string, ...unknown[]][] = [];
  messageNew(m: ChatMessage) {
    this.events.push(['message:new', m.seq]);
  }
  messageUpdated(m: ChatMessage) {
    this.events.push(['message:updated', m.seq]);
  }
  roomAdded(userId: string, room: Room) {
    this.events.push(['room:added', userId, room.id]);
  }
  roomRemoved(userId: string, roomId: string) {
    this.events.push(['room:removed', userId, roomId]);
  }
  roomUpdated(viewerId: string, room: Room) {
    this.events.push(['room:updated', viewerId, room.id]);
  }
  roomRead(roomId: string, userId: string, seq: number) {
    this.events.push(['room:read', userId, seq]);
  }
}
