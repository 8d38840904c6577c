import { randomUUID } from 'node:crypto';
import { CHAT_SUBJECTS } from '@converge/protocol';
import type { Pool } from 'pg';
import {
  inTraceOf,
  isTraceExporting,
  linkTo,
  newOutboxEvent,
  type OutboxEvent,
  runInSpan,
  SpanStatusCode,
  startOwnSpan,
} from '@converge/runtime';
import type { ChatMessage, ChangesRead, MessageRepository, ReactionResult, SendResult } from '../domain/ports';
import type { ReactionOp } from '../domain/reactions';
import { editIn, reactIn, softDeleteIn } from './message-changes';
import { MESSAGE_SELECT, type MessageRow, toMessage } from './message-rows';
import { PgRepository } from './pg-repository';
import { type BatcherOptions, SendBatcher } from './send.batcher';
import { UNIQUE_VIOLATION } from './transaction';

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
  // The event is complete but for the seq and the rev, which the SQL fills in under the room lock.
  const event = newOutboxEvent(
    CHAT_SUBJECTS.messageCreated(roomId),
    { message: { id, roomId, seq: 0, senderId, body, clientMsgId, createdAt: at.toISOString(), editedAt: null, deletedAt: null, rev: 0, reactions: [], kind: 'user', system: null } },
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
  o_rev: string;
  o_reactions: MessageRow['reactions'];
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
      rev: row.o_rev,
      reactions: row.o_reactions,
      // The send functions store user messages only.
      kind: 'user',
      system: null,
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

  edit(roomId: string, seq: number, body: string): Promise<ChatMessage> {
    return this.tx((c) => editIn(c, roomId, seq, body));
  }

  softDelete(roomId: string, seq: number): Promise<ChatMessage | undefined> {
    return this.tx((c) => softDeleteIn(c, roomId, seq));
  }

  react(roomId: string, seq: number, userId: string, emoji: string, op: ReactionOp): Promise<ReactionResult> {
    return this.tx((c) => reactIn(c, roomId, seq, userId, emoji, op));
  }

  async changes(roomId: string, afterRev: number, limit: number): Promise<ChangesRead> {
    // One statement, one snapshot: the room's rev and the messages agree (every rev up to it has committed).
    const r = await this.rows<MessageRow & { last_rev: string }>(
      `SELECT r.last_rev, x.* FROM rooms r
       LEFT JOIN LATERAL (${MESSAGE_SELECT} WHERE m.room_id = r.id AND m.rev > $2 ORDER BY m.rev LIMIT $3) x ON true
       WHERE r.id = $1`,
      [roomId, afterRev, limit],
    );
    return { lastRev: Number(r[0]?.last_rev ?? 0), messages: r.filter((row) => row.id !== null).map(toMessage) };
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
