import type { Pool } from 'pg';

/** How long this pod trusts "not deleted" for a user before asking PostgreSQL again. */
export const DELETED_CHECK_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which users the user service deleted, from `users.deleted_at` that chat mirrors from `USERS`
 * events. An access token stays valid for its whole TTL; this is what makes a deleted user's token
 * stop working within a second or so instead. "Deleted" is final and cached for good; "not deleted"
 * only briefly, so every pod sees a deletion that another pod's consumer recorded.
 */
export class DeletedUsers {
  private readonly alive = new Map<string, number>();
  private readonly deleted = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly ttlMs = DELETED_CHECK_TTL_MS,
  ) {}

  /** This pod handled the deletion itself: no need to wait for the cache. */
  markDeleted(userId: string): void {
    this.alive.delete(userId);
    if (this.deleted.size >= MAX_ENTRIES) this.deleted.clear();
    this.deleted.add(userId);
  }

  async isDeleted(userId: string): Promise<boolean> {
    if (this.deleted.has(userId)) return true;
    // User ids are UUIDs; anything else is in no table (and would fail the uuid cast).
    if (!UUID.test(userId)) return false;
    const checked = this.alive.get(userId);
    if (checked !== undefined && Date.now() - checked < this.ttlMs) return false;
    const r = await this.pool.query('SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NOT NULL', [userId]);
    if (r.rowCount) {
      this.markDeleted(userId);
      return true;
    }
    // Bounded: a flood of distinct users only makes the cache forget sooner.
    if (this.alive.size >= MAX_ENTRIES) this.alive.clear();
    this.alive.set(userId, Date.now());
    return false;
  }
}
