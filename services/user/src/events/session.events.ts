import { SESSION_SUBJECTS } from '@converge/protocol';
import { newOutboxEvent, type OutboxEvent } from '@converge/runtime';

/** `sessions.revoked` with `{eventId, occurredAt, userId, sessionId}`, ready for the outbox. */
export function sessionRevokedEvent(userId: string, sessionId: string, now = new Date()): OutboxEvent {
  return newOutboxEvent(SESSION_SUBJECTS.revoked, { userId, sessionId }, now);
}
