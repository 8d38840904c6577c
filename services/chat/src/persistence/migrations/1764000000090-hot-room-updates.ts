import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every send updates its room's row (`last_seq`, `last_activity_at`). With `last_activity_at`
 * indexed, none of those updates could be HOT: each left a dead version in the heap and a new entry
 * in every index of `rooms`, so a busy room's row grew a chain of dead versions that each later send
 * (the room lock, the seq bump) walked through until vacuum came — measured in `make bench`: 49,407
 * updates, 569 HOT, 48,847 dead tuples behind 100 live rows, PostgreSQL CPU per message 3× the
 * raw insert's at half load. Without the index the update is HOT and the page prunes itself.
 *
 * Nothing needs the index: a user's room list is read through `members (user_id)` and sorted in
 * memory (a few hundred rooms at most). `fillfactor` 50 leaves room on each page for the new
 * versions, so updates stay HOT (it applies to pages written from now on).
 *
 * The outbox is a queue (every row inserted, published, deleted): autovacuum by count, not by the
 * default share of a table that is nearly always empty, so dead index entries at its head, which
 * every relay pass scans past, are cleared at each autovacuum round.
 *
 * Numbered apart from the feature migrations (1764000000005 on) that are written at the same time.
 */
export class HotRoomUpdates1764000000090 implements MigrationInterface {
  name = 'HotRoomUpdates1764000000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS rooms_activity');
    await q.query('ALTER TABLE rooms SET (fillfactor = 50)');
    await q.query('ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold)');
    await q.query('ALTER TABLE rooms RESET (fillfactor)');
    await q.query('CREATE INDEX rooms_activity ON rooms (last_activity_at DESC)');
  }
}
