import { randomUUID } from 'node:crypto';
import { AppError, CHAT_SUBJECTS } from '@converge/protocol';
import type { Pool } from 'pg';
import {
  inTraceOf,
  isTraceExporting,
  linkTo,
  newOutboxEvent,
  type OutboxEvent,
  outboxInsert,
  runInSpan,
  SpanStatusCode,
  startOwnSpan,
} from '@converge/runtime';
import type { ChatMessage, MessageRepository, SendResult } from '../domain/ports';
import { messageUpdatedEvent } from '../events/chat.events';
import { PgRepository } from './pg-repository';
import { type BatcherOptions, SendBatcher } from './send.batcher';
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

/** One send as chat_send and chat_send_batch take it: the message's id, time and CHAT event made up front. */
interface SendEntry {
  roomId: string;
  senderId: string;
  body: string;
  clientMsgId: string;
  id: string;
  at: Date;
  event: OutboxEvent;
}

function sendEntry(roomId: string, senderId: string, body: string, clientMsgId: string): SendEntry {
  const id = randomUUID();
  const at = new Date();
  // The event is complete but for the seq, which the SQL fills in under the room lock.
  const event = newOutboxEvent(
    CHAT_SUBJECTS.messageCreated(roomId),
    { message: { id, roomId, seq: 0, senderId, body, clientMsgId, createdAt: at.toISOString(), editedAt: null, deletedAt: null } },
    at,
  );
  return { roomId, senderId, body, clientMsgId, id, at, event };
}

/** A row of chat_send / chat_send_batch. */
interface SendRow {
  o_idx?: number;
  o_outcome: 'created' | 'duplicate' | 'not_member';
  o_id: string;
  o_seq: string;
  o_body: string | null;
  o_created_at: Date;
  o_edited_at: Date | null;
  o_deleted_at: Date | null;
  o_sender_name: string | null;
}

function sendResult(e: SendEntry, row: SendRow | undefined): SendResult | undefined {
  if (!row || row.o_outcome === 'not_member') return undefined;
  return {
    created: row.o_outcome === 'created',
    message: toMessage({
      id: row.o_id,
      room_id: e.roomId,
      seq: row.o_seq,
      sender_id: e.senderId,
      body: row.o_body,
      client_msg_id: e.clientMsgId,
      created_at: row.o_created_at,
      edited_at: row.o_edited_at,
      deleted_at: row.o_deleted_at,
      sender_name: row.o_sender_name,
    }),
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the fault of some entry, not of the database. */
function isEntryFault(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

const SEND_BATCH_SQL =
  'SELECT * FROM chat_send_batch($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::uuid[], $8::text[], $9::jsonb[], $10::text[])';
const SEND = 'SELECT * FROM chat_send($1, $2, $3, $4, $5, $6, $7, $8, $9)';
const SEND_TRACED = 'SELECT * FROM chat_send_traced($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';

/**
 * PostgreSQL persistence of messages: sends through `chat_send_batch` (group commit: the sends that
 * met in the batcher, one statement and one commit; membership, seq, sender's read marker and outbox
 * row per entry) or, with batching off, `chat_send` (one send per statement); edits and deletes
 * commit with their CHAT event.
 */
export class PgMessageRepository extends PgRepository implements MessageRepository {
  private readonly batcher: SendBatcher<SendEntry, SendResult | undefined> | undefined;

  constructor(pool: Pool, onEventsCommitted?: () => void, batching?: BatcherOptions) {
    super(pool, onEventsCommitted);
    this.batcher = batching && batching.maxSize > 0 ? new SendBatcher((entries) => this.sendBatch(entries), batching) : undefined;
  }

  send(roomId: string, senderId: string, body: string, clientMsgId: string): Promise<SendResult | undefined> {
    const entry = sendEntry(roomId, senderId, body, clientMsgId);
    return this.batcher ? this.batcher.submit(entry) : this.sendOne(entry);
  }

  private async sendBatch(entries: SendEntry[]): Promise<PromiseSettledResult<SendResult | undefined>[]> {
    let rows: SendRow[];
    try {
      rows = await this.storeBatch(entries);
    } catch (e) {
      // A data or constraint error came from an entry (a body PostgreSQL refuses, say) and rolled the
      // whole batch back: each goes again on its own, so only the one at fault fails. Anything else
      // (PostgreSQL down or moved, a statement timeout) would fail them one by one as well: every
      // send of the batch fails as it would on its own (UNAVAILABLE; clients retry).
      if (!isEntryFault(e)) throw e;
      // One after the other, in arrival order, as the batch would have stored them.
      const settled: PromiseSettledResult<SendResult | undefined>[] = [];
      for (const entry of entries) {
        settled.push(
          // In its own send's trace (the flush runs in whichever send's context flushed it).
          await inTraceOf(entry.event.traceparent, () => this.sendOne(entry)).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
      return settled;
    }
    const byIdx = new Map(rows.map((r) => [r.o_idx, r]));
    if (rows.some((r) => r.o_outcome === 'created')) this.onEventsCommitted();
    return entries.map((e, i) => ({ status: 'fulfilled', value: sendResult(e, byIdx.get(i + 1)) }));
  }

  /**
   * The batch's one statement. While traces are exported each entry's traceparent goes to its outbox
   * row, and the statement runs in the trace of the batch's first send, under a `send batch` span
   * linked to the other sends' spans (it serves them all; a span has one parent): the first send's
   * trace shows the PostgreSQL call, the others' are reached by the links. Without an exporter no
   * traceparent was taken and the statement runs as it is, with a null array.
   */
  private storeBatch(entries: SendEntry[]): Promise<SendRow[]> {
    const traceparents = isTraceExporting() ? entries.map((e) => e.event.traceparent) : null;
    const query = () =>
      this.pool
        .query<SendRow>(SEND_BATCH_SQL, [
          entries.map((e) => e.roomId),
          entries.map((e) => e.senderId),
          entries.map((e) => e.clientMsgId),
          entries.map((e) => e.id),
          entries.map((e) => e.body),
          entries.map((e) => e.at),
          entries.map((e) => e.event.eventId),
          entries.map((e) => e.event.subject),
          entries.map((e) => JSON.stringify(e.event.payload)),
          traceparents,
        ])
        .then((r) => r.rows);
    // The first send in a trace (every send is, while exporting: a socket event's or a request's).
    const first = traceparents?.findIndex(Boolean) ?? -1;
    if (!traceparents) return query();
    // None in a trace: in no trace either, not in whichever send's context flushed the batch.
    if (first < 0) return inTraceOf(null, query);
    return inTraceOf(traceparents[first], () => {
      const links = traceparents.flatMap((tp, i) => (i === first ? [] : (linkTo(tp) ?? [])));
      const span = startOwnSpan('send batch', { links, attributes: { 'converge.batch.size': entries.length } });
      return runInSpan(span, query)
        .catch((err: unknown) => {
          span?.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        })
        .finally(() => span?.end());
    });
  }

  private async sendOne(e: SendEntry): Promise<SendResult | undefined> {
    let r;
    try {
      const params = [e.roomId, e.senderId, e.clientMsgId, e.id, e.body, e.at, e.event.eventId, e.event.subject, JSON.stringify(e.event.payload)];
      // The traced variant only while traces are exported (a traceparent was taken): it also stores it on the outbox row.
      r = await this.pool.query<SendRow>(e.event.traceparent ? SEND_TRACED : SEND, e.event.traceparent ? [...params, e.event.traceparent] : params);
    } catch (err) {
      // chat_send re-checks under the room lock, so this is the last guard: answer with the stored message.
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      const existing = await this.byClientId(e.roomId, e.senderId, e.clientMsgId);
      if (!existing) throw err;
      return { message: existing, created: false };
    }
    const row = r.rows[0];
    if (row?.o_outcome === 'created') this.onEventsCommitted();
    return sendResult(e, row);
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
