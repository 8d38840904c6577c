import type { PoolClient } from 'pg';
import { AppError, type Member, type MemberRole, type PublicRoom, type Room, type RoomKind, type RoomVisibility } from '@converge/protocol';
import { outboxInsert, type OutboxEvent } from '@converge/runtime';
import type { ChatMessage, DirectoryRead, JoinResult, NewRoom, RoomRepository } from '../domain/ports';
import type { DirectoryKey } from '../domain/public-rooms';
import { removalEvent, roomChangeEvents, type RoomSettings } from '../domain/room-changes';
import { appendSystemMessage, lockRoom } from './system-messages';
import { memberEvent } from '../events/chat.events';
import { PgRepository } from './pg-repository';

interface RoomRow {
  id: string;
  name: string;
  kind: RoomKind;
  visibility: RoomVisibility;
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
    visibility: r.visibility,
    createdAt: r.created_at.toISOString(),
    lastSeq: Number(r.last_seq),
    lastRev: Number(r.last_rev),
    unreadCount: Number(r.unread),
    readSeq: Number(r.read_seq),
    members: r.members,
  };
}

/** A room as one member sees it: their read marker and unread count (others' live user messages past it: system messages never count). */
const ROOM_SELECT = `
  SELECT r.id, r.name, r.kind, r.visibility, r.created_at, r.last_seq, r.last_rev, me.read_seq,
    (SELECT count(*) FROM messages m
       WHERE m.room_id = r.id AND m.seq > me.read_seq AND m.sender_id <> me.user_id AND m.deleted_at IS NULL AND m.kind = 'user') AS unread,
    (SELECT json_agg(json_build_object('userId', x.user_id, 'role', x.role, 'displayName', u.display_name) ORDER BY x.joined_at, x.user_id)
       FROM members x LEFT JOIN users u ON u.id = x.user_id AND u.deleted_at IS NULL WHERE x.room_id = r.id) AS members
  FROM rooms r JOIN members me ON me.room_id = r.id AND me.user_id = $1`;

/** Every member's view of one room: the member list is built once and shared by all the rows. */
const ROOM_VIEWS_SELECT = `
  WITH mem AS (
    SELECT coalesce(json_agg(json_build_object('userId', x.user_id, 'role', x.role, 'displayName', u.display_name) ORDER BY x.joined_at, x.user_id), '[]') AS members
    FROM members x LEFT JOIN users u ON u.id = x.user_id AND u.deleted_at IS NULL WHERE x.room_id = $1)
  SELECT me.user_id AS viewer_id, r.id, r.name, r.kind, r.visibility, r.created_at, r.last_seq, r.last_rev, me.read_seq,
    (SELECT count(*) FROM messages m
       WHERE m.room_id = r.id AND m.seq > me.read_seq AND m.sender_id <> me.user_id AND m.deleted_at IS NULL AND m.kind = 'user') AS unread,
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
        `INSERT INTO rooms (id, name, kind, direct_key, created_by, visibility) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (direct_key) DO NOTHING RETURNING id`,
        [room.id, room.name, room.kind, room.directKey, actorId, room.visibility],
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

  async updateRoom(roomId: string, actorId: string, wanted: Partial<RoomSettings>): Promise<ChatMessage[] | undefined> {
    return this.tx(async (c) => {
      const room = await lockRoom(c, roomId);
      if (!room) return undefined;
      const events = roomChangeEvents(room, wanted);
      if (!events.length) return [];
      await c.query('UPDATE rooms SET name = coalesce($2, name), visibility = coalesce($3, visibility) WHERE id = $1', [
        roomId,
        wanted.name ?? null,
        wanted.visibility ?? null,
      ]);
      const out: ChatMessage[] = [];
      for (const e of events) out.push(await appendSystemMessage(c, roomId, actorId, e));
      return out;
    });
  }

  async addMember(roomId: string, userId: string, role: MemberRole, actorId: string): Promise<ChatMessage> {
    return this.tx(async (c) => {
      if (!(await lockRoom(c, roomId))) throw new AppError('NOT_FOUND', 'no such room');
      const added = await c.query('INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, userId, role]);
      if (!added.rowCount) throw new AppError('CONFLICT', 'already a member');
      await this.event(c, memberEvent(roomId, userId, 'added', role));
      return appendSystemMessage(c, roomId, actorId, { event: 'added', userId });
    });
  }

  async removeMember(roomId: string, userId: string, actorId: string): Promise<ChatMessage | undefined> {
    return this.tx(async (c) => {
      if (!(await lockRoom(c, roomId))) return undefined;
      const gone = await c.query('DELETE FROM members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
      if (!gone.rowCount) return undefined;
      await this.event(c, memberEvent(roomId, userId, 'removed'));
      return appendSystemMessage(c, roomId, actorId, removalEvent(actorId, userId));
    });
  }

  async join(roomId: string, userId: string): Promise<JoinResult> {
    return this.tx(async (c): Promise<JoinResult> => {
      // Under the room lock a concurrent change of visibility has committed or waits: a room made
      // private is never joined after the change.
      const room = await lockRoom(c, roomId);
      if (!room) return { outcome: 'not_found' };
      // A member knows the room, whatever its visibility: joining it again is a no-op, not NOT_FOUND.
      const member = await c.query('SELECT 1 FROM members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
      if (member.rowCount) return { outcome: 'member' };
      if (room.kind !== 'group' || room.visibility !== 'public') return { outcome: 'not_found' };
      const added = await c.query(`INSERT INTO members (room_id, user_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING`, [roomId, userId]);
      if (!added.rowCount) return { outcome: 'member' };
      await this.event(c, memberEvent(roomId, userId, 'added', 'member'));
      const message = await appendSystemMessage(c, roomId, userId, { event: 'joined', userId });
      // The history before one's join is not news to catch up on.
      await c.query('UPDATE members SET read_seq = $3 WHERE room_id = $1 AND user_id = $2', [roomId, userId, message.seq]);
      return { outcome: 'joined', message };
    });
  }

  async publicRooms(q: DirectoryRead): Promise<(PublicRoom & { key: DirectoryKey })[]> {
    // The prefix as a LIKE pattern (its own % _ \ escaped), on the index's expression: a range scan of rooms_public_name.
    const pattern = `${q.prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const r = await this.rows<{ id: string; name: string; key_name: string; member_count: string; last_activity_at: Date }>(
      `SELECT r.id, r.name, lower(r.name) COLLATE "C" AS key_name, r.last_activity_at,
         (SELECT count(*) FROM members x WHERE x.room_id = r.id) AS member_count
       FROM rooms r
       WHERE r.visibility = 'public' AND lower(r.name) COLLATE "C" LIKE $1
         AND ($2::text IS NULL OR (lower(r.name) COLLATE "C", r.id) > ($2::text, $3::uuid))
       ORDER BY lower(r.name) COLLATE "C", r.id
       LIMIT $4`,
      [pattern, q.after?.name ?? null, q.after?.id ?? null, q.limit],
    );
    return r.map((x) => ({
      id: x.id,
      name: x.name,
      memberCount: Number(x.member_count),
      lastActivityAt: x.last_activity_at.toISOString(),
      key: { name: x.key_name, id: x.id },
    }));
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
