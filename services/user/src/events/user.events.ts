import { USER_SUBJECTS, type UserEventType } from '@converge/protocol';
import { newOutboxEvent, type OutboxEvent } from '@converge/runtime';
import { toPublicUser, type UserRecord } from '../domain/user';

/** `users.<type>` with `{eventId, occurredAt, user}`, ready for the outbox. */
export function userEvent(type: UserEventType, user: UserRecord, now = new Date()): OutboxEvent {
  return newOutboxEvent(USER_SUBJECTS[type], { user: toPublicUser(user) }, now);
}
