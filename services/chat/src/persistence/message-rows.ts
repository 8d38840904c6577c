import type { MessageKind, Reaction, SystemEvent } from '@converge/protocol';
import type { ChatMessage } from '../domain/ports';

/** A `messages` row as the reads select it (MESSAGE_SELECT). */
export interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  body: string | null;
  client_msg_id: string;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  rev: string;
  reactions: Reaction[];
  kind: MessageKind;
  system: SystemEvent | null;
  sender_name: string | null;
}

export function toMessage(r: MessageRow): ChatMessage {
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
    rev: Number(r.rev),
    reactions: r.reactions,
    kind: r.kind,
    system: r.system,
    senderName: r.sender_name,
  };
}

/** The sender's display name (null for an unknown or deleted user), for a row aliased `m`. */
export const SENDER_NAME = '(SELECT u.display_name FROM users u WHERE u.id = m.sender_id AND u.deleted_at IS NULL) AS sender_name';

/** The message columns every read returns, for a row aliased `m` (a SELECT list or a RETURNING clause). */
export const MESSAGE_COLUMNS = `m.id, m.room_id, m.seq, m.sender_id, m.body, m.client_msg_id, m.created_at, m.edited_at, m.deleted_at,
    m.rev, m.reactions, m.kind, m.system, ${SENDER_NAME}`;

/** Message columns with the sender's display name. */
export const MESSAGE_SELECT = `SELECT ${MESSAGE_COLUMNS} FROM messages m`;
