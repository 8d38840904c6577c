import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public rooms and system messages (PROTOCOL v2).
 *
 * - `rooms.visibility` (`private` by default; DMs stay private: the CHECK keeps a DM out of the
 *   directory whatever a caller sends).
 * - The directory reads public rooms by `lower(name)` prefix, then id (the keyset a cursor resumes
 *   from): a partial index on exactly that order, in the "C" collation (byte order) so that
 *   `LIKE 'abc%'`, the keyset comparison and the ORDER BY are all one range scan of it whatever the
 *   database's collation (with `text_pattern_ops` the LIKE could use it, the keyset and order not). Neither `name` nor `visibility` changes on a send, so the
 *   send's room update stays HOT (1764000000090): HOT only needs the indexed columns left alone.
 * - `messages.kind` (`user` | `system`) and `messages.system` (`{event, userId?, name?, visibility?}`)
 *   for the timeline's membership and room changes. Existing rows are user messages. A system
 *   message takes a seq and a rev like a send, under the same room row lock, in the transaction of
 *   the change it records (persistence/system-messages.ts has the lock order).
 * - A system message has no body and a `client_msg_id` of `system:<its id>`: unique, so the
 *   idempotency key of user sends is untouched and no client can ever send one.
 * - The unread count skips system messages (a filter on the rows it reads anyway).
 * - The send functions (1764000000005) insert with the defaults (`kind` `user`, `system` null) and
 *   need no change.
 */
export class PublicRooms1764000000006 implements MigrationInterface {
  name = 'PublicRooms1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms ADD COLUMN visibility text NOT NULL DEFAULT 'private'
      CHECK (visibility IN ('private', 'public'))`);
    await q.query(`ALTER TABLE rooms ADD CONSTRAINT rooms_direct_private CHECK (kind = 'group' OR visibility = 'private')`);
    await q.query(`CREATE INDEX rooms_public_name ON rooms ((lower(name) COLLATE "C"), id) WHERE visibility = 'public'`);
    await q.query(`ALTER TABLE messages ADD COLUMN kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'system'))`);
    await q.query(`ALTER TABLE messages ADD COLUMN system jsonb`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_system_shape CHECK ((kind = 'system') = (system IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // System messages hold seqs: removing them would leave gaps, so they become user messages without a body.
    await q.query('ALTER TABLE messages DROP CONSTRAINT messages_system_shape');
    await q.query('ALTER TABLE messages DROP COLUMN system');
    await q.query('ALTER TABLE messages DROP COLUMN kind');
    await q.query('DROP INDEX rooms_public_name');
    await q.query('ALTER TABLE rooms DROP CONSTRAINT rooms_direct_private');
    await q.query('ALTER TABLE rooms DROP COLUMN visibility');
  }
}
