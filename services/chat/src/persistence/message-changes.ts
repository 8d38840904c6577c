import { AppError, REACTION_USER_IDS } from '@converge/protocol';
import type { PoolClient } from 'pg';
import { type ReactionOp, decideReaction } from '../domain/reactions';
import type { ChatMessage } from '../domain/ports';
import { SYSTEM_MESSAGE_IMMUTABLE } from '../domain/room-changes';
import { messageUpdatedEvent } from '../events/chat.events';
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from './message-rows';

/*
 * The changes to a stored message (edit, delete, reaction), each one transaction on the caller's
 * client. Lock order, the same for all of them: the message row first (the statement that changes it,
 * or FOR NO KEY UPDATE), the room row last (taking the rev). Sends lock only rooms (and insert rows no
 * one else holds), so no two transactions can wait on each other in a cycle; and the room lock, which
 * every change and send of the room queues on, is held for one statement and the commit.
 */

/**
 * Takes the room's next rev for a message changed in this transaction, stores it on the message and
 * writes the CHAT event with it, in one statement. `message` is the changed message (its rev is filled in).
 */
export async function takeRev(c: PoolClient, message: ChatMessage): Promise<ChatMessage> {
  const { senderName: _, ...plain } = message;
  const event = messageUpdatedEvent({ ...plain, rev: 0 });
  const r = await c.query<{ rev: string }>(
    `WITH r AS (UPDATE rooms SET last_rev = last_rev + 1 WHERE id = $1 RETURNING last_rev),
          m AS (UPDATE messages SET rev = (SELECT last_rev FROM r) WHERE room_id = $1 AND seq = $2 RETURNING rev),
          o AS (INSERT INTO outbox (event_id, subject, payload, traceparent)
                SELECT $3, $4, jsonb_set($5::jsonb, '{message,rev}', to_jsonb(m.rev)), $6 FROM m)
     SELECT rev FROM m`,
    [message.roomId, message.seq, event.eventId, event.subject, JSON.stringify(event.payload), event.traceparent],
  );
  return { ...message, rev: Number(r.rows[0]?.rev) };
}

const returning = `RETURNING ${MESSAGE_COLUMNS}`;

export async function editIn(c: PoolClient, roomId: string, seq: number, body: string): Promise<ChatMessage> {
  const r = await c.query<MessageRow>(
    `UPDATE messages m SET body = $3, edited_at = now() WHERE m.room_id = $1 AND m.seq = $2 AND m.deleted_at IS NULL AND m.kind = 'user' ${returning}`,
    [roomId, seq, body],
  );
  if (!r.rows[0]) throw new AppError('NOT_FOUND', 'no such message');
  return takeRev(c, toMessage(r.rows[0]));
}

/** The tombstone keeps its seq (order and sync stay gap-free) and loses its reactions; undefined when it was deleted already. */
export async function softDeleteIn(c: PoolClient, roomId: string, seq: number): Promise<ChatMessage | undefined> {
  const r = await c.query<MessageRow>(
    `UPDATE messages m SET body = NULL, deleted_at = now(), reactions = '[]' WHERE m.room_id = $1 AND m.seq = $2 AND m.deleted_at IS NULL AND m.kind = 'user' ${returning}`,
    [roomId, seq],
  );
  if (!r.rows[0]) return undefined;
  await c.query('DELETE FROM message_reactions WHERE room_id = $1 AND seq = $2', [roomId, seq]);
  return takeRev(c, toMessage(r.rows[0]));
}

/** `message.reactions` recomputed from the rows (the summary of domain/reactions.ts, in SQL). */
const SUMMARIZE = `UPDATE messages m SET reactions = coalesce((
    SELECT jsonb_agg(jsonb_build_object('emoji', g.emoji, 'count', g.n, 'userIds', to_jsonb(g.ids)) ORDER BY g.first)
    FROM (SELECT x.emoji, count(*) AS n, min(x.ord) AS first, (array_agg(x.user_id ORDER BY x.ord))[1:${REACTION_USER_IDS}] AS ids
          FROM message_reactions x WHERE x.room_id = m.room_id AND x.seq = m.seq GROUP BY x.emoji) g), '[]')
  WHERE m.room_id = $1 AND m.seq = $2 ${returning}`;

/**
 * Adds or removes one user's emoji on a live message. Decided under the message's row lock, so
 * concurrent reactions to one message queue and the count of distinct emoji cannot be overrun.
 * A repeat changes nothing and takes no rev (`changed` false, the message as it is).
 */
export async function reactIn(
  c: PoolClient,
  roomId: string,
  seq: number,
  userId: string,
  emoji: string,
  op: ReactionOp,
): Promise<{ message: ChatMessage; changed: boolean }> {
  // The lock in a statement of its own: the next one starts after it is held, so its snapshot
  // (READ COMMITTED: one per statement) sees every reaction committed before. Read in the locking
  // statement itself, the subqueries would see the snapshot from before the wait: a concurrent
  // repeat would look new (a duplicate row), and the 20-emoji count could be overrun.
  const locked = await c.query('SELECT 1 FROM messages m WHERE m.room_id = $1 AND m.seq = $2 AND m.deleted_at IS NULL FOR NO KEY UPDATE', [roomId, seq]);
  if (!locked.rowCount) throw new AppError('NOT_FOUND', 'no such message');
  const r = await c.query<MessageRow & { mine: boolean; present: boolean; n_emoji: string }>(
    `SELECT ${MESSAGE_COLUMNS},
       EXISTS (SELECT 1 FROM message_reactions x WHERE x.room_id = m.room_id AND x.seq = m.seq AND x.emoji = $3 AND x.user_id = $4) AS mine,
       EXISTS (SELECT 1 FROM message_reactions x WHERE x.room_id = m.room_id AND x.seq = m.seq AND x.emoji = $3) AS present,
       (SELECT count(DISTINCT x.emoji) FROM message_reactions x WHERE x.room_id = m.room_id AND x.seq = m.seq) AS n_emoji
     FROM messages m WHERE m.room_id = $1 AND m.seq = $2 AND m.deleted_at IS NULL`,
    [roomId, seq, emoji, userId],
  );
  const row = r.rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'no such message');
  const decision = decideReaction(op, { mine: row.mine, present: row.present, distinct: Number(row.n_emoji), system: row.kind === 'system' });
  if (decision === 'system') throw new AppError('VALIDATION_FAILED', SYSTEM_MESSAGE_IMMUTABLE);
  if (decision === 'too_many') throw new AppError('VALIDATION_FAILED', 'emoji: a message has at most 20 distinct reactions');
  if (decision === 'noop') return { message: toMessage(row), changed: false };
  await c.query(
    op === 'add'
      ? 'INSERT INTO message_reactions (room_id, seq, emoji, user_id) VALUES ($1, $2, $3, $4)'
      : 'DELETE FROM message_reactions WHERE room_id = $1 AND seq = $2 AND emoji = $3 AND user_id = $4',
    [roomId, seq, emoji, userId],
  );
  const summarized = await c.query<MessageRow>(SUMMARIZE, [roomId, seq]);
  const changed = summarized.rows[0];
  if (!changed) throw new AppError('NOT_FOUND', 'no such message');
  return { message: await takeRev(c, toMessage(changed)), changed: true };
}
