import type { AccountSessions } from '../domain/ports';
import { DELETED_CHECK_TTL_MS, type DeletedUsers } from './deleted-users';

/**
 * A deleted user's sessions end now, not when their access token expires: this pod refuses their
 * tokens at once, and their sockets on every pod are closed.
 */
export class DeletedAccountSessions implements AccountSessions {
  constructor(
    private readonly deleted: DeletedUsers,
    private readonly sockets: { disconnectUser(userId: string): void },
  ) {}

  accountDeleted(userId: string): void {
    this.deleted.markDeleted(userId);
    this.sockets.disconnectUser(userId);
    // Another pod may still trust its "not deleted" answer for up to the cache TTL and let a
    // reconnect in: a second sweep after it closes such a socket too.
    setTimeout(() => this.sockets.disconnectUser(userId), DELETED_CHECK_TTL_MS + 500).unref();
  }
}
