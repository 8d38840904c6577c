import type { PoolClient } from 'pg';
import { AppError, type Member, type MemberRole, type Room, type RoomKind } from '@converge/protocol';
import { outboxInsert, type OutboxEvent } from '@converge/runtime';
import type { NewRoom, RoomRepository } from '../domain/ports';
import { memberEvent } from '../events/chat.events';
import { PgRepository } from './pg-repository';
import { UNIQUE_VIOLATION } from './transaction';

interface RoomRow {
  id: string;
  name: string;
  kind: RoomKind;
  created_at: Date;
  last_seq: string;
  last_rev: string;
  read_seq: string;
  unread: string;
  members: Member[];
}

function toRoom(r: RoomRow): Room {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    createdAt: r.created_at.toISOString(),
    lastSeq: Number(r.last_seq),
    lastRev: Number(r.last_rev),
    unreadCount: Number(r.unread),
    readSeq: Number(r.read_seq),
    members: r.members,
  };
}

/** A room as one member sees it: their read marker and unread count (others' live messages past it). */
const ROOM_SELECT = `
  SELECT r.id, r.name, r.kind, r.created_at, r.last_seq, r.last_rev, me.read_seq,
    (SELECT count(*) FROM messages m
       WHERE m.room_id = r.id AND m.seq > me.read_seq AND m.sender_id <> me.user_id AND m.deleted_at IS NULL) AS unread,
    (SELECT json_agg(json_build_object('userId', x.user_id, 'role', x.role, 'displayName', u.display_name) ORDER BY x.joined_at, x.user_id)
       FROM members x LEFT JOIN users u ON u.id = x.user_id AND u.deleted_at IS NULL WHERE x.room_id = r.id) AS members
  FROM rooms r JOIN members me ON me.room_id = r.id AND me.user_id = $1`;

/** Every member's view of one room: the member list is built once and shared by all the rows. */
const ROOM_VIEWS_SELECT = `
  WITH mem AS (
    SELECT coalesce(json_agg(json_build_object('userId', x.user_id, 'role', x.role, 'displayName', u.display_name) ORDER BY x.joined_at, x.user_id), '[]') AS members
    FROM members x LEFT JOIN users u ON u.id = x.user_id AND u.deleted_at IS NULL WHERE x.room_id = $1)
  SELECT me.user_id AS viewer_id, r.id, r.name, r.kind, r.created_at, r.last_seq, r.last_rev, me.read_seq,
    (SELECT count(*) FROM messages m
       WHERE m.room_id = r.id AND m.seq > me.read_seq AND m.sender_id <> me.user_id AND m.deleted_at IS NULL) AS unread,
    mem.members
  FROM rooms r JOIN members me ON me.room_id = r.id CROSS JOIN mem
  WHERE r.id = $1 AND ($2::uuid[] IS NULL OR me.user_id = ANY($2::uuid[]))`;

/**
 * PostgreSQL persistence of rooms and their members (node-postgres; TypeORM runs the migrations).
 * Every membership change and its CHAT event commit together.
 */
export class PgRoomRepository extends PgRepository implements RoomRepository {
  private async event(c: PoolClient, e: OutboxEvent): Promise<void> {
    await c.query(...outboxInsert(e));
  }

  async createRoom(room: NewRoom, actorId: string): Promise<Room | undefined> {
    const created = await this.tx(async (c) => {
      const inserted = await c.query(
        `INSERT INTO rooms (id, name, kind, direct_key, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
        [room.id, room.name, room.kind, room.directKey, actorId],
      );
      if (!inserted.rowCount) return false;
      // One statement for every member, however many were listed.
      await c.query(
        `INSERT INTO members (room_id, user_id, role, joined_at)
         SELECT $1, u, r, now() + (o * interval '1 microsecond') FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS t(u, r, o)`,
        [room.id, room.members.map((m) => m.userId), room.members.map((m) => m.role)],
      );
      for (const m of room.members) await this.event(c, memberEvent(room.id, m.userId, 'added', m.role));
      return true;
    });
    return created ? this.roomFor(room.id, actorId) : undefined;
  }

  async findDirect(key: string, viewerId: string): Promise<Room | undefined> {
    const r = await this.rows<RoomRow>(`${ROOM_SELECT} WHERE r.direct_key = $2`, [viewerId, key]);
    return r[0] ? toRoom(r[0]) : undefined;
  }

  async roomFor(roomId: string, viewerId: string): Promise<Room | undefined> {
    const r = await this.rows<RoomRow>(`${ROOM_SELECT} WHERE r.id = $2`, [viewerId, roomId]);
    return r[0] ? toRoom(r[0]) : undefined;
  }

  async roomsOf(userId: string): Promise<Room[]> {
    const r = await this.rows<RoomRow>(`${ROOM_SELECT} ORDER BY r.last_activity_at DESC, r.id`, [userId]);
    return r.map(toRoom);
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    const r = await this.rows<{ room_id: string }>('SELECT room_id FROM members WHERE user_id = $1', [userId]);
    return r.map((x) => x.room_id);
  }

  async membershipOf(roomId: string, userId: string): Promise<{ role: MemberRole; kind: RoomKind } | undefined> {
    const r = await this.rows<{ role: MemberRole; kind: RoomKind }>(
      'SELECT m.role, r.kind FROM members m JOIN rooms r ON r.id = m.room_id WHERE m.room_id = $1 AND m.user_id = $2',
      [roomId, userId],
    );
    return r[0];
  }

  async roomViews(roomId: string, viewerIds?: string[]): Promise<Map<string, Room>> {
    const r = await this.rows<RoomRow & { viewer_id: string }>(ROOM_VIEWS_SELECT, [roomId, viewerIds ?? null]);
    return new Map(r.map((row) => [row.viewer_id, toRoom(row)]));
  }

  async memberIds(roomId: string): Promise<string[]> {
    const r = await this.rows<{ user_id: string }>('SELECT user_id FROM members WHERE room_id = $1', [roomId]);
    return r.map((x) => x.user_id);
  }

  async rename(roomId: string, name: string): Promise<void> {
    await this.pool.query('UPDATE rooms SET name = $2 WHERE id = $1', [roomId, name]);
  }

  async addMember(roomId: string, userId: string, role: MemberRole): Promise<void> {
    try {
      await this.tx(async (c) => {
        await c.query('INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, $3)', [roomId, userId, role]);
        await this.event(c, memberEvent(roomId, userId, 'added', role));
      });
    } catch (e) {
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('CONFLICT', 'already a member');
      throw e;
    }
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.tx(async (c) => {
      const gone = await c.query('DELETE FROM members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
      if (gone.rowCount) await this.event(c, memberEvent(roomId, userId, 'removed'));
      return (gone.rowCount ?? 0) > 0;
    });
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<number> {
    const r = await this.rows<{ read_seq: string }>(
      `UPDATE members m SET read_seq = GREATEST(m.read_seq, LEAST($3::bigint, r.last_seq))
       FROM rooms r WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2 RETURNING m.read_seq`,
      [roomId, userId, seq],
    );
    return Number(r[0]?.read_seq ?? 0);
  }
}
