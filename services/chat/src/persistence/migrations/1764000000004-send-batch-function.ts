import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group commit: `chat_send_batch` stores many sends (any rooms, any senders) in one round trip and
 * one commit, with the guarantees of `chat_send` for each entry.
 *
 * - Every room of the batch is locked first, in room id order, in a statement of its own: two
 *   batches (two pods) that share rooms queue on the first shared room instead of each holding one
 *   the other wants, so they cannot deadlock; `chat_send` locks a single room and cannot close a
 *   cycle either. `FOR NO KEY UPDATE` is the lock the seq bump's UPDATE takes anyway.
 * - The statements after it start once the locks are held, so their snapshots see every send that
 *   committed in those rooms before (READ COMMITTED takes a snapshot per statement): the duplicate
 *   check and `last_seq` are current, and nobody else can change them until this commit.
 * - Per entry, in input order: not a member -> `not_member`; a clientMsgId this sender already
 *   stored (or sent earlier in the same batch) -> `duplicate` with the stored message, no seq used;
 *   otherwise `created` with the next gap-free seq of its room. One entry's outcome never fails the
 *   others.
 * - Entry by entry, the statements of chat_send: for the batches that form (a few to a few dozen
 *   sends) this costs PostgreSQL less CPU than one set-wise statement with data-modifying CTEs,
 *   whose fixed cost (planning, sorts, hash joins) only pays off from about 64 entries (measured).
 * - `p_traceparents`, one per entry, goes to each outbox row's `traceparent` (the column of
 *   1764000000003-outbox-traceparent, which runs first). Callers pass NULL (the default) while traces
 *   are not exported: one null parameter per batch, nothing per send.
 */
export class SendBatchFunction1764000000004 implements MigrationInterface {
  name = 'SendBatchFunction1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION chat_send_batch(
        p_rooms uuid[], p_senders uuid[], p_clients text[], p_ids uuid[], p_bodies text[], p_ats timestamptz[],
        p_event_ids uuid[], p_event_subjects text[], p_events jsonb[], p_traceparents text[] DEFAULT NULL)
      RETURNS TABLE (o_idx int, o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_n int := coalesce(cardinality(p_rooms), 0);
        i int;
        v_seq bigint;
      BEGIN
        IF coalesce(cardinality(p_senders), 0) <> v_n OR coalesce(cardinality(p_clients), 0) <> v_n
           OR coalesce(cardinality(p_ids), 0) <> v_n OR coalesce(cardinality(p_bodies), 0) <> v_n
           OR coalesce(cardinality(p_ats), 0) <> v_n OR coalesce(cardinality(p_event_ids), 0) <> v_n
           OR coalesce(cardinality(p_event_subjects), 0) <> v_n OR coalesce(cardinality(p_events), 0) <> v_n
           OR (p_traceparents IS NOT NULL AND cardinality(p_traceparents) <> v_n) THEN
          RAISE EXCEPTION 'chat_send_batch: every array needs % entries', v_n USING ERRCODE = '22023';
        END IF;
        -- The room locks, in one fixed order for every caller (see above).
        PERFORM 1 FROM rooms r WHERE r.id = ANY (p_rooms) ORDER BY r.id FOR NO KEY UPDATE;
        -- Then each entry as chat_send does it; each statement sees the entries before it (a retry
        -- within the batch finds the message its first copy just stored).
        FOR i IN 1..v_n LOOP
          o_idx := i; o_id := NULL; o_seq := NULL; o_body := NULL; o_created_at := NULL; o_edited_at := NULL; o_deleted_at := NULL; o_sender_name := NULL;
          IF NOT EXISTS (SELECT 1 FROM members m WHERE m.room_id = p_rooms[i] AND m.user_id = p_senders[i]) THEN
            o_outcome := 'not_member'; RETURN NEXT; CONTINUE;
          END IF;
          SELECT CASE WHEN u.deleted_at IS NULL THEN u.display_name END INTO o_sender_name FROM users u WHERE u.id = p_senders[i];
          SELECT m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at INTO o_id, o_seq, o_body, o_created_at, o_edited_at, o_deleted_at
            FROM messages m WHERE m.room_id = p_rooms[i] AND m.sender_id = p_senders[i] AND m.client_msg_id = p_clients[i];
          IF FOUND THEN o_outcome := 'duplicate'; RETURN NEXT; CONTINUE; END IF;
          UPDATE rooms SET last_seq = last_seq + 1, last_activity_at = p_ats[i] WHERE id = p_rooms[i] RETURNING last_seq INTO v_seq;
          INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id, created_at)
            VALUES (p_ids[i], p_rooms[i], v_seq, p_senders[i], p_bodies[i], p_clients[i], p_ats[i]);
          UPDATE members SET read_seq = GREATEST(read_seq, v_seq) WHERE room_id = p_rooms[i] AND user_id = p_senders[i];
          -- A NULL array's element is NULL: no traceparent.
          INSERT INTO outbox (event_id, subject, payload, traceparent)
            VALUES (p_event_ids[i], p_event_subjects[i], jsonb_set(p_events[i], '{message,seq}', to_jsonb(v_seq)), p_traceparents[i]);
          o_outcome := 'created'; o_id := p_ids[i]; o_seq := v_seq; o_body := p_bodies[i]; o_created_at := p_ats[i];
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION chat_send_batch');
  }
}
