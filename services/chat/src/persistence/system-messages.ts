import { randomUUID } from 'node:crypto';
import { CHAT_SUBJECTS, type RoomKind, type RoomVisibility, type SystemEvent } from '@converge/protocol';
import { newOutboxEvent } from '@converge/runtime';
import type { PoolClient } from 'pg';
import type { ChatMessage } from '../domain/ports';
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from './message-rows';

/*
 * System messages: the timeline's record of a membership or room change, stored in the change's
 * transaction. Lock order: the room row FIRST (lockRoom), before any members row is inserted or
 * deleted. A send holds its room row and then updates the sender's members row (the read marker);
 * a change that deleted that members row first and then waited for the room would close a cycle
 * with it. Edits and reactions lock a message row, then the room: no change here waits for an
 * existing message row (it only inserts new ones), so no cycle with them either.
 */

export interface LockedRoom {
  kind: RoomKind;
  visibility: RoomVisibility;
  name: string;
}

/** Locks the room row (held to the commit) and reads what changes are decided on; undefined for an unknown room. */
export async function lockRoom(c: PoolClient, roomId: string): Promise<LockedRoom | undefined> {
  // FOR NO KEY UPDATE is the lock the seq bump takes anyway (and what the batch of sends takes).
  const r = await c.query<LockedRoom>('SELECT kind, visibility, name FROM rooms WHERE id = $1 FOR NO KEY UPDATE', [roomId]);
  return r.rows[0];
}

/**
 * Appends a system message to a room locked by this transaction: the room's next seq and rev, and
 * its `chat.message.created` CHAT event, in one statement.
 */
export async function appendSystemMessage(c: PoolClient, roomId: string, actorId: string, system: SystemEvent): Promise<ChatMessage> {
  const id = randomUUID();
  const at = new Date();
  const clientMsgId = `system:${id}`;
  // Complete but for the seq and the rev, filled in by the statement (as the send functions do).
  const event = newOutboxEvent(
    CHAT_SUBJECTS.messageCreated(roomId),
    {
      message: {
        id, roomId, seq: 0, senderId: actorId, body: null, clientMsgId, createdAt: at.toISOString(),
        editedAt: null, deletedAt: null, rev: 0, reactions: [], kind: 'system', system,
      },
    },
    at,
  );
  const r = await c.query<MessageRow>(
    `WITH r AS (UPDATE rooms SET last_seq = last_seq + 1, last_rev = last_rev + 1, last_activity_at = $5 WHERE id = $1
                RETURNING last_seq, last_rev),
          ins AS (INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id, created_at, rev, kind, system)
                  SELECT $2, $1, r.last_seq, $3, NULL, $4, $5, r.last_rev, 'system', $6::jsonb FROM r
                  RETURNING *),
          o AS (INSERT INTO outbox (event_id, subject, payload, traceparent)
                SELECT $7, $8, jsonb_set(jsonb_set($9::jsonb, '{message,seq}', to_jsonb(ins.seq)), '{message,rev}', to_jsonb(ins.rev)), $10
                FROM ins)
     SELECT ${MESSAGE_COLUMNS} FROM ins m`,
    [roomId, id, actorId, clientMsgId, at, JSON.stringify(system), event.eventId, event.subject, JSON.stringify(event.payload), event.traceparent ?? null],
  );
  const row = r.rows[0];
  if (!row) throw new Error(`appendSystemMessage: room ${roomId} vanished under its lock`);
  return toMessage(row);
}
