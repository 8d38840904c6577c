import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRACEPARENT_DDL } from '@converge/runtime';

/**
 * The trace context of a send travels with its outbox row (the relay's publish span links to it).
 *
 * `chat_send_traced` is `chat_send` plus the row's traceparent, called only while traces are
 * exported: without an exporter the send path is the one statement it was. It wraps `chat_send`
 * instead of repeating its body, and leaves `chat_send` as it is, so pods of the previous release
 * keep sending during a rolling update. The traceparent is set on the row `chat_send` inserted in
 * the same statement (an update of a row no one else sees yet); a duplicate inserts none.
 */
export class OutboxTraceparent1764000000003 implements MigrationInterface {
  name = 'OutboxTraceparent1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TRACEPARENT_DDL);
    await q.query(`CREATE FUNCTION chat_send_traced(
        p_room uuid, p_sender uuid, p_client text, p_id uuid, p_body text, p_at timestamptz,
        p_event_id uuid, p_event_subject text, p_event jsonb, p_traceparent text)
      RETURNS TABLE (o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN QUERY SELECT * FROM chat_send(p_room, p_sender, p_client, p_id, p_body, p_at, p_event_id, p_event_subject, p_event);
        UPDATE outbox SET traceparent = p_traceparent WHERE event_id = p_event_id;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION chat_send_traced');
    await q.query('ALTER TABLE outbox DROP COLUMN traceparent');
  }
}
