import { randomUUID } from 'node:crypto';
import { AppError, type Member, type MemberRole, type Message, type Room, type RoomKind } from '@converge/protocol';
import { outboxInsert, type OutboxEvent } from '@converge/runtime';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { ChatRepository, NewRoom, SendResult } from '../domain/ports';
import { memberEvent, messageCreatedEvent, messageUpdatedEvent } from '../events/chat-events';

const UNIQUE_VIOLATION = '23505';

interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  body: string | null;
  client_msg_id: string;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
}

interface RoomRow {
  id: string;
  name: string;
  kind: RoomKind;
  created_at: Date;
  last_seq: string;
  read_seq: string;
  unread: string;
  members: Member[];
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    roomId: r.room_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    body: r.body,
    clientMsgId: r.client_msg_id,
    createdAt: r.created_at.toISOString(),
    editedAt: r.edited_at?.toISOString() ?? null,
    deletedAt: r.deleted_at?.toISOString() ?? null,
  };
}

function toRoom(r: RoomRow): Room {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    createdAt: r.created_at.toISOString(),
    lastSeq: Number(r.last_seq),
    unreadCount: Number(r.unread),
    readSeq: Number(r.read_seq),
    members: r.members,
  };
}

const MESSAGE_COLUMNS = 'id, room_id, seq, sender_id, body, client_msg_id, created_at, edited_at, deleted_at';

/** A room as one member sees it: their read marker and unread count (others' live messages past it). */
const ROOM_SELECT = `
  SELECT r.id, r.name, r.kind, r.created_at, r.last_seq, me.read_seq,
    (SELECT count(*) FROM messages m
       WHERE m.room_id = r.id AND m.seq > me.read_seq AND m.sender_id <> me.user_id AND m.deleted_at IS NULL) AS unread,
    (SELECT json_agg(json_build_object('userId', x.user_id, 'role', x.role) ORDER BY x.joined_at, x.user_id)
       FROM members x WHERE x.room_id = r.id) AS members
  FROM rooms r JOIN members me ON me.room_id = r.id AND me.user_id = $1`;

async function rows<T>(qr: QueryRunner, sql: string, params: unknown[] = []): Promise<T[]> {
  return ((await qr.query(sql, params, true)) as { records: T[] }).records;
}

/** PostgreSQL persistence of rooms and messages; every change and its CHAT event commit together. */
export class PgChatRepository implements ChatRepository {
  constructor(
    private readonly ds: DataSource,
    /** Told after a commit that wrote events, so the relay publishes without waiting for its poll. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  private async tx<T>(fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    const result = await this.ds.transaction((m: EntityManager) => fn(m.queryRunner as QueryRunner));
    this.onEventsCommitted();
    return result;
  }

  /** Rows of any statement, RETURNING included (TypeORM's plain query() shapes UPDATE results differently). */
  private async read<T>(sql: string, params: unknown[]): Promise<T[]> {
    const qr = this.ds.createQueryRunner();
    try {
      return await rows<T>(qr, sql, params);
    } finally {
      await qr.release();
    }
  }

  private async event(qr: QueryRunner, e: OutboxEvent): Promise<void> {
    await qr.query(...outboxInsert(e));
  }

  async createRoom(room: NewRoom, actorId: string): Promise<Room | undefined> {
    const created = await this.tx(async (qr) => {
      const inserted = await rows<{ id: string }>(
        qr,
        `INSERT INTO rooms (id, name, kind, direct_key, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
        [room.id, room.name, room.kind, room.directKey, actorId],
      );
      if (!inserted.length) return false;
      for (const m of room.members) {
        await qr.query('INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, $3)', [room.id, m.userId, m.role]);
        await this.event(qr, memberEvent(room.id, m.userId, 'added', m.role));
      }
      return true;
    });
    return created ? this.roomFor(room.id, actorId) : undefined;
  }

  async findDirect(key: string, viewerId: string): Promise<Room | undefined> {
    const r = await this.read<RoomRow>(`${ROOM_SELECT} WHERE r.direct_key = $2`, [viewerId, key]);
    return r[0] ? toRoom(r[0]) : undefined;
  }

  async roomFor(roomId: string, viewerId: string): Promise<Room | undefined> {
    const r = await this.read<RoomRow>(`${ROOM_SELECT} WHERE r.id = $2`, [viewerId, roomId]);
    return r[0] ? toRoom(r[0]) : undefined;
  }

  async roomsOf(userId: string): Promise<Room[]> {
    const r = await this.read<RoomRow>(`${ROOM_SELECT} ORDER BY r.last_activity_at DESC, r.id`, [userId]);
    return r.map(toRoom);
  }

  async membershipOf(roomId: string, userId: string): Promise<{ role: MemberRole; kind: RoomKind } | undefined> {
    const r = await this.read<{ role: MemberRole; kind: RoomKind }>(
      'SELECT m.role, r.kind FROM members m JOIN rooms r ON r.id = m.room_id WHERE m.room_id = $1 AND m.user_id = $2',
      [roomId, userId],
    );
    return r[0];
  }

  async rename(roomId: string, name: string): Promise<void> {
    await this.ds.query('UPDATE rooms SET name = $2 WHERE id = $1', [roomId, name]);
  }

  async addMember(roomId: string, userId: string, role: MemberRole): Promise<void> {
    try {
      await this.tx(async (qr) => {
        await qr.query('INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, $3)', [roomId, userId, role]);
        await this.event(qr, memberEvent(roomId, userId, 'added', role));
      });
    } catch (e) {
      if ((e as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw new AppError('CONFLICT', 'already a member');
      }
      throw e;
    }
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.tx(async (qr) => {
      const gone = await rows(qr, 'DELETE FROM members WHERE room_id = $1 AND user_id = $2 RETURNING user_id', [roomId, userId]);
      if (gone.length) await this.event(qr, memberEvent(roomId, userId, 'removed'));
      return gone.length > 0;
    });
  }

  async send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult> {
    const existing = await this.byClientId(roomId, senderId, clientMsgId);
    if (existing) return { message: existing, created: false };
    try {
      return await this.tx(async (qr) => {
        // The room row lock orders concurrent senders of one room; the seq is taken under it.
        const bumped = await rows<{ last_seq: string }>(
          qr,
          'UPDATE rooms SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $1 RETURNING last_seq',
          [roomId],
        );
        const seq = Number(bumped[0]?.last_seq);
        // A duplicate that committed while we waited for the lock: roll back, so the seq is not used.
        const dup = await rows<MessageRow>(
          qr,
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
          [roomId, senderId, clientMsgId],
        );
        if (dup[0]) throw new DuplicateSend(toMessage(dup[0]));
        const inserted = await rows<MessageRow>(
          qr,
          `INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id) VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING ${MESSAGE_COLUMNS}`,
          [randomUUID(), roomId, seq, senderId, body, clientMsgId],
        );
        // Sending moves the sender's own read marker to their message.
        await qr.query('UPDATE members SET read_seq = GREATEST(read_seq, $3) WHERE room_id = $1 AND user_id = $2', [
          roomId,
          senderId,
          seq,
        ]);
        const message = toMessage(inserted[0] as MessageRow);
        await this.event(qr, messageCreatedEvent(message));
        return { message, created: true };
      });
    } catch (e) {
      if (e instanceof DuplicateSend) return { message: e.message_, created: false };
      throw e;
    }
  }

  private async byClientId(roomId: string, senderId: string, clientMsgId: string): Promise<Message | undefined> {
    const r = await this.read<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [roomId, senderId, clientMsgId],
    );
    return r[0] ? toMessage(r[0]) : undefined;
  }

  async message(roomId: string, seq: number): Promise<Message | undefined> {
    const r = await this.read<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND seq = $2`, [roomId, seq]);
    return r[0] ? toMessage(r[0]) : undefined;
  }

  async edit(roomId: string, seq: number, body: string): Promise<Message> {
    return this.tx(async (qr) => {
      const r = await rows<MessageRow>(
        qr,
        `UPDATE messages SET body = $3, edited_at = now() WHERE room_id = $1 AND seq = $2 AND deleted_at IS NULL RETURNING ${MESSAGE_COLUMNS}`,
        [roomId, seq, body],
      );
      if (!r[0]) throw new AppError('NOT_FOUND', 'no such message');
      const message = toMessage(r[0]);
      await this.event(qr, messageUpdatedEvent(message));
      return message;
    });
  }

  async softDelete(roomId: string, seq: number): Promise<Message> {
    return this.tx(async (qr) => {
      // The tombstone keeps its seq, so order and sync stay gap-free.
      const r = await rows<MessageRow>(
        qr,
        `UPDATE messages SET body = NULL, deleted_at = COALESCE(deleted_at, now()) WHERE room_id = $1 AND seq = $2 RETURNING ${MESSAGE_COLUMNS}`,
        [roomId, seq],
      );
      if (!r[0]) throw new AppError('NOT_FOUND', 'no such message');
      const message = toMessage(r[0]);
      await this.event(qr, messageUpdatedEvent(message));
      return message;
    });
  }

  async after(roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const r = await this.read<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [roomId, afterSeq, limit],
    );
    return r.map(toMessage);
  }

  async before(roomId: string, beforeSeq: number | undefined, limit: number): Promise<Message[]> {
    const r = await this.read<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
      [roomId, beforeSeq ?? null, limit],
    );
    return r.map(toMessage);
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<number> {
    const r = await this.read<{ read_seq: string }>(
      `UPDATE members m SET read_seq = GREATEST(m.read_seq, LEAST($3::bigint, r.last_seq))
       FROM rooms r WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2 RETURNING m.read_seq`,
      [roomId, userId, seq],
    );
    return Number(r[0]?.read_seq ?? 0);
  }
}

class DuplicateSend extends Error {
  constructor(readonly message_: Message) {
    super('duplicate send');
  }
}
