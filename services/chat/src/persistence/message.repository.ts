import { randomUUID } from 'node:crypto';
import { AppError, CHAT_SUBJECTS } from '@converge/protocol';
import { newOutboxEvent, outboxInsert } from '@converge/runtime';
import type { ChatMessage, MessageRepository, SendResult } from '../domain/ports';
import { messageUpdatedEvent } from '../events/chat.events';
import { PgRepository } from './pg-repository';
import { UNIQUE_VIOLATION } from './transaction';

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
  sender_name: string | null;
}

function toMessage(r: MessageRow): ChatMessage {
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
    senderName: r.sender_name,
  };
}

/** Message columns with the sender's display name (null for an unknown or deleted user). */
const MESSAGE_SELECT = `SELECT m.id, m.room_id, m.seq, m.sender_id, m.body, m.client_msg_id, m.created_at, m.edited_at, m.deleted_at,
    (SELECT u.display_name FROM users u WHERE u.id = m.sender_id AND u.deleted_at IS NULL) AS sender_name
  FROM messages m`;

const SEND = 'SELECT * FROM chat_send($1, $2, $3, $4, $5, $6, $7, $8, $9)';
const SEND_TRACED = 'SELECT * FROM chat_send_traced($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';

/**
 * PostgreSQL persistence of messages: sends through `chat_send` (one statement: membership, seq,
 * sender's read marker and outbox row together); edits and deletes commit with their CHAT event.
 */
export class PgMessageRepository extends PgRepository implements MessageRepository {
  async send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult | undefined> {
    const id = randomUUID();
    const at = new Date();
    // The event is built here, complete but for the seq, which chat_send fills in under the room lock.
    const event = newOutboxEvent(
      CHAT_SUBJECTS.messageCreated(roomId),
      {
        message: { id, roomId, seq: 0, senderId, body, clientMsgId, createdAt: at.toISOString(), editedAt: null, deletedAt: null },
      },
      at,
    );
    let r;
    try {
      r = await this.pool.query<{
        o_outcome: 'created' | 'duplicate' | 'not_member';
        o_id: string;
        o_seq: string;
        o_body: string | null;
        o_created_at: Date;
        o_edited_at: Date | null;
        o_deleted_at: Date | null;
        o_sender_name: string | null;
      }>(
        // The traced variant only while traces are exported (a traceparent was taken): it also stores it on the outbox row.
        event.traceparent ? SEND_TRACED : SEND,
        [roomId, senderId, clientMsgId, id, body, at, event.eventId, event.subject, JSON.stringify(event.payload), ...(event.traceparent ? [event.traceparent] : [])],
      );
    } catch (e) {
      // chat_send re-checks under the room lock, so this is the last guard: answer with the stored message.
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      const existing = await this.byClientId(roomId, senderId, clientMsgId);
      if (!existing) throw e;
      return { message: existing, created: false };
    }
    const row = r.rows[0];
    if (!row || row.o_outcome === 'not_member') return undefined;
    if (row.o_outcome === 'created') this.onEventsCommitted();
    return {
      created: row.o_outcome === 'created',
      message: toMessage({
        id: row.o_id,
        room_id: roomId,
        seq: row.o_seq,
        sender_id: senderId,
        body: row.o_body,
        client_msg_id: clientMsgId,
        created_at: row.o_created_at,
        edited_at: row.o_edited_at,
        deleted_at: row.o_deleted_at,
        sender_name: row.o_sender_name,
      }),
    };
  }

  private async byClientId(roomId: string, senderId: string, clientMsgId: string): Promise<ChatMessage | undefined> {
    const r = await this.rows<MessageRow>(`${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3`, [
      roomId,
      senderId,
      clientMsgId,
    ]);
    return r[0] ? toMessage(r[0]) : undefined;
  }

  async message(roomId: string, seq: number): Promise<ChatMessage | undefined> {
    const r = await this.rows<MessageRow>(`${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.seq = $2`, [roomId, seq]);
    return r[0] ? toMessage(r[0]) : undefined;
  }

  private async update(sql: string, params: unknown[]): Promise<ChatMessage> {
    return this.tx(async (c) => {
      const r = await c.query<MessageRow>(
        `WITH m AS (${sql} RETURNING *)
         SELECT m.*, (SELECT u.display_name FROM users u WHERE u.id = m.sender_id AND u.deleted_at IS NULL) AS sender_name FROM m`,
        params,
      );
      if (!r.rows[0]) throw new AppError('NOT_FOUND', 'no such message');
      const message = toMessage(r.rows[0]);
      const { senderName: _, ...plain } = message;
      await c.query(...outboxInsert(messageUpdatedEvent(plain)));
      return message;
    });
  }

  edit(roomId: string, seq: number, body: string): Promise<ChatMessage> {
    return this.update('UPDATE messages SET body = $3, edited_at = now() WHERE room_id = $1 AND seq = $2 AND deleted_at IS NULL', [
      roomId,
      seq,
      body,
    ]);
  }

  softDelete(roomId: string, seq: number): Promise<ChatMessage> {
    // The tombstone keeps its seq, so order and sync stay gap-free.
    return this.update('UPDATE messages SET body = NULL, deleted_at = COALESCE(deleted_at, now()) WHERE room_id = $1 AND seq = $2', [
      roomId,
      seq,
    ]);
  }

  async after(roomId: string, afterSeq: number, limit: number): Promise<ChatMessage[]> {
    const r = await this.rows<MessageRow>(`${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`, [
      roomId,
      afterSeq,
      limit,
    ]);
    return r.map(toMessage);
  }

  async before(roomId: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]> {
    const r = await this.rows<MessageRow>(
      `${MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2::bigint IS NULL OR m.seq < $2) ORDER BY m.seq DESC LIMIT $3`,
      [roomId, beforeSeq ?? null, limit],
    );
    return r.map(toMessage);
  }
}
