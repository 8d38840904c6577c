import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The send path in one round trip, and the user directory fed by `USERS` events.
 *
 * `chat_send` runs as one statement, so one implicit transaction: the membership check, the
 * idempotency check, the seq bump, the insert, the sender's read marker and the outbox row commit
 * together, and the room row lock is held only for the server-side work and the commit (no client
 * round trips inside the lock). The duplicate check is repeated under the room lock: a concurrent
 * send of the same clientMsgId that won the lock has committed by then, so the loser returns the
 * stored message and never consumes a seq. The unique constraint stays as the last guard.
 */
export class SendFunction1764000000002 implements MigrationInterface {
  name = 'SendFunction1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL
    )`);
    // Consumers are idempotent by eventId: an event's effect and its id commit together.
    await q.query(`CREATE TABLE processed_events (
      event_id uuid PRIMARY KEY,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE FUNCTION chat_send(
        p_room uuid, p_sender uuid, p_client text, p_id uuid, p_body text, p_at timestamptz,
        p_event_id uuid, p_event_subject text, p_event jsonb)
      RETURNS TABLE (o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_seq bigint;
        v_name text;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM members m WHERE m.room_id = p_room AND m.user_id = p_sender) THEN
          o_outcome := 'not_member';
          RETURN NEXT;
          RETURN;
        END IF;
        SELECT CASE WHEN u.deleted_at IS NULL THEN u.display_name END INTO v_name FROM users u WHERE u.id = p_sender;
        -- A retry of a send that already committed: no lock needed.
        RETURN QUERY SELECT 'duplicate'::text, m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at, v_name
          FROM messages m WHERE m.room_id = p_room AND m.sender_id = p_sender AND m.client_msg_id = p_client;
        IF FOUND THEN RETURN; END IF;
        -- Senders of one room queue on this row lock; the seq is taken under it.
        SELECT r.last_seq INTO v_seq FROM rooms r WHERE r.id = p_room FOR UPDATE;
        RETURN QUERY SELECT 'duplicate'::text, m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at, v_name
          FROM messages m WHERE m.room_id = p_room AND m.sender_id = p_sender AND m.client_msg_id = p_client;
        IF FOUND THEN RETURN; END IF;
        v_seq := v_seq + 1;
        UPDATE rooms SET last_seq = v_seq, last_activity_at = p_at WHERE id = p_room;
        INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id, created_at)
          VALUES (p_id, p_room, v_seq, p_sender, p_body, p_client, p_at);
        -- Sending moves the sender's own read marker to their message.
        UPDATE members SET read_seq = GREATEST(read_seq, v_seq) WHERE room_id = p_room AND user_id = p_sender;
        INSERT INTO outbox (event_id, subject, payload)
          VALUES (p_event_id, p_event_subject, jsonb_set(p_event, '{message,seq}', to_jsonb(v_seq)));
        RETURN QUERY SELECT 'created'::text, p_id, v_seq, p_body, p_at, NULL::timestamptz, NULL::timestamptz, v_name;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION chat_send');
    await q.query('DROP TABLE processed_events');
    await q.query('DROP TABLE users');
  }
}
