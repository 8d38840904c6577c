import { USER_SUBJECTS, type UserEvent } from '@converge/protocol';
import type { ChatService } from './chat.service';
import type { AccountSessions, UserDirectory } from './ports';

/**
 * `USERS` events from the user service: display names for messages and members, and a deleted
 * user leaving every room and losing their sessions. Idempotent by `eventId` (the directory records each id with its effect).
 */
export class UserEventsService {
  constructor(
    private readonly directory: UserDirectory,
    private readonly chat: ChatService,
    private readonly sessions: AccountSessions = { accountDeleted: () => undefined },
  ) {}

  /** `e` arrives parsed (the consumer validates it once). Returns false for an event already handled (a redelivery). */
  async handle(subject: string, e: UserEvent): Promise<boolean> {
    const at = new Date(e.occurredAt);
    if (subject === USER_SUBJECTS.deleted) {
      const rooms = await this.directory.delete(e.eventId, e.user, at);
      // On a redelivery too: ending sessions twice is harmless, missing one is not.
      this.sessions.accountDeleted(e.user.id);
      await this.chat.left(e.user.id, rooms);
      return rooms.length > 0;
    }
    if (subject === USER_SUBJECTS.registered || subject === USER_SUBJECTS.updated) {
      return this.directory.upsert(e.eventId, e.user, at);
    }
    return false;
  }
}
