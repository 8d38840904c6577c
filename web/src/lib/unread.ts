import type { Message } from '@converge/protocol';

/**
 * Where the "New messages" line goes when a room is opened: the first message after the reader's
 * marker that someone else sent and that still shows (own messages and deleted ones are never unread).
 */
export function firstUnreadSeq(messages: readonly Message[], readSeq: number, me: string): number | null {
  for (const m of messages) {
    if (m.seq > readSeq && m.senderId !== me && m.deletedAt === null) return m.seq;
  }
  return null;
}
