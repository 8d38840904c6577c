import type { Pool } from 'pg';
import type { User } from '@converge/protocol';
import type { UserDirectory } from '../domain/ports';
import { memberEvent } from '../events/chat.events';
import { inTransaction } from './transaction';
import { outboxInsert } from '@converge/runtime';

/** The users the chat knows from `USERS` events (display names; deleted users). */
export class PgUserDirectory implements UserDirectory {
  constructor(
    private readonly pool: Pool,
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  async upsert(eventId: string, user: User, at: Date): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const fresh = await c.query('INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [eventId]);
      if (!fresh.rowCount) return false;
      // An older event arriving late never overwrites a newer state (nor revives a deleted user).
      await c.query(
        `INSERT INTO users (id, username, display_name, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
         WHERE users.updated_at <= EXCLUDED.updated_at AND users.deleted_at IS NULL`,
        [user.id, user.username, user.displayName, at],
      );
      return true;
    });
  }

  async delete(eventId: string, user: User, at: Date): Promise<string[]> {
    const rooms = await inTransaction(this.pool, async (c) => {
      const fresh = await c.query('INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [eventId]);
      if (!fresh.rowCount) return [];
      await c.query(
        `INSERT INTO users (id, username, display_name, updated_at, deleted_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at, updated_at = EXCLUDED.updated_at`,
        [user.id, user.username, user.displayName, at],
      );
      // The user leaves every room; their messages stay (shown as a deleted user).
      const gone = await c.query<{ room_id: string }>('DELETE FROM members WHERE user_id = $1 RETURNING room_id', [user.id]);
      for (const r of gone.rows) await c.query(...outboxInsert(memberEvent(r.room_id, user.id, 'removed')));
      return gone.rows.map((r) => r.room_id);
    });
    if (rooms.length) this.onEventsCommitted();
    return rooms;
  }
}
