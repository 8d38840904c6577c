import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The changes feed and reactions (PROTOCOL v2): every room counts its changes in `rooms.last_rev`,
 * gap-free like `last_seq`, and every message carries the rev of its latest change in `messages.rev`.
 *
 * - A change (a send, an edit, a delete, a reaction added or removed) takes the next rev with
 *   `UPDATE rooms SET last_rev = last_rev + 1`, in the transaction that makes the change: the room row
 *   lock it takes is held to the commit, so revs commit in order and a rolled-back change gives its
 *   rev back (no gap). A reader that sees rev n sees every rev below it.
 * - Only the latest rev of a message is kept (the feed answers each message once, in its latest
 *   state), so `(room_id, rev)` is unique: the feed reads by that index.
 * - Existing rooms start their feed where their messages are: rev = seq, last_rev = last_seq (gap-free
 *   because seq is).
 * - Reactions are rows (`message_reactions`, one per message, emoji and user: the primary key makes an
 *   add idempotent and 20 concurrent adds count 20), and their summary as the contract shows it
 *   (`[{emoji, count, userIds}]`) is kept on the message row, rewritten in the same transaction, so
 *   history and the feed read it with the message and pay nothing per row.
 * - `chat_send`, `chat_send_traced` and `chat_send_batch` are redefined with the same parameters and
 *   one more result column, `o_rev`: pods of the previous release (which read the result by name)
 *   keep sending during a rolling update, and their sends take revs too. Their edits and deletes do
 *   not take one until they are replaced; the feed then shows those messages at their previous rev.
 */
export class ChangesFeed1764000000005 implements MigrationInterface {
  name = 'ChangesFeed1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms ADD COLUMN last_rev bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE messages ADD COLUMN rev bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE messages ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`UPDATE messages SET rev = seq`);
    await q.query(`UPDATE rooms SET last_rev = last_seq`);
    await q.query(`CREATE UNIQUE INDEX messages_room_rev ON messages (room_id, rev)`);
    await q.query(`CREATE TABLE message_reactions (
      room_id uuid NOT NULL,
      seq bigint NOT NULL,
      emoji text NOT NULL,
      user_id uuid NOT NULL,
      -- First use orders the emoji and the reactors (a sequence: timestamps of one commit tie).
      ord bigserial NOT NULL,
      PRIMARY KEY (room_id, seq, emoji, user_id),
      FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
    )`);

    await q.query('DROP FUNCTION chat_send_traced');
    await q.query('DROP FUNCTION chat_send');
    await q.query('DROP FUNCTION chat_send_batch');
    await q.query(`CREATE FUNCTION chat_send(
        p_room uuid, p_sender uuid, p_client text, p_id uuid, p_body text, p_at timestamptz,
        p_event_id uuid, p_event_subject text, p_event jsonb)
      RETURNS TABLE (o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text, o_rev bigint, o_reactions jsonb)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_seq bigint;
        v_rev bigint;
        v_name text;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM members m WHERE m.room_id = p_room AND m.user_id = p_sender) THEN
          o_outcome := 'not_member';
          RETURN NEXT;
          RETURN;
        END IF;
        SELECT CASE WHEN u.deleted_at IS NULL THEN u.display_name END INTO v_name FROM users u WHERE u.id = p_sender;
        -- A retry of a send that already committed: no lock needed.
        RETURN QUERY SELECT 'duplicate'::text, m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at, v_name, m.rev, m.reactions
          FROM messages m WHERE m.room_id = p_room AND m.sender_id = p_sender AND m.client_msg_id = p_client;
        IF FOUND THEN RETURN; END IF;
        -- Senders of one room queue on this row lock; the seq and the rev are taken under it.
        SELECT r.last_seq INTO v_seq FROM rooms r WHERE r.id = p_room FOR UPDATE;
        RETURN QUERY SELECT 'duplicate'::text, m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at, v_name, m.rev, m.reactions
          FROM messages m WHERE m.room_id = p_room AND m.sender_id = p_sender AND m.client_msg_id = p_client;
        IF FOUND THEN RETURN; END IF;
        v_seq := v_seq + 1;
        UPDATE rooms SET last_seq = v_seq, last_rev = last_rev + 1, last_activity_at = p_at WHERE id = p_room RETURNING last_rev INTO v_rev;
        INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id, created_at, rev)
          VALUES (p_id, p_room, v_seq, p_sender, p_body, p_client, p_at, v_rev);
        -- Sending moves the sender's own read marker to their message.
        UPDATE members SET read_seq = GREATEST(read_seq, v_seq) WHERE room_id = p_room AND user_id = p_sender;
        INSERT INTO outbox (event_id, subject, payload)
          VALUES (p_event_id, p_event_subject,
                  jsonb_set(jsonb_set(p_event, '{message,seq}', to_jsonb(v_seq)), '{message,rev}', to_jsonb(v_rev)));
        RETURN QUERY SELECT 'created'::text, p_id, v_seq, p_body, p_at, NULL::timestamptz, NULL::timestamptz, v_name, v_rev, '[]'::jsonb;
      END
      $fn$`);
    await q.query(`CREATE FUNCTION chat_send_traced(
        p_room uuid, p_sender uuid, p_client text, p_id uuid, p_body text, p_at timestamptz,
        p_event_id uuid, p_event_subject text, p_event jsonb, p_traceparent text)
      RETURNS TABLE (o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text, o_rev bigint, o_reactions jsonb)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN QUERY SELECT * FROM chat_send(p_room, p_sender, p_client, p_id, p_body, p_at, p_event_id, p_event_subject, p_event);
        UPDATE outbox SET traceparent = p_traceparent WHERE event_id = p_event_id;
      END
      $fn$`);
    // As 1764000000004-send-batch-function (whose notes hold: room locks first, in id order), each
    // created entry also taking its room's next rev.
    await q.query(`CREATE FUNCTION chat_send_batch(
        p_rooms uuid[], p_senders uuid[], p_clients text[], p_ids uuid[], p_bodies text[], p_ats timestamptz[],
        p_event_ids uuid[], p_event_subjects text[], p_events jsonb[], p_traceparents text[] DEFAULT NULL)
      RETURNS TABLE (o_idx int, o_outcome text, o_id uuid, o_seq bigint, o_body text, o_created_at timestamptz,
                     o_edited_at timestamptz, o_deleted_at timestamptz, o_sender_name text, o_rev bigint, o_reactions jsonb)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_n int := coalesce(cardinality(p_rooms), 0);
        i int;
        v_seq bigint;
        v_rev bigint;
      BEGIN
        IF coalesce(cardinality(p_senders), 0) <> v_n OR coalesce(cardinality(p_clients), 0) <> v_n
           OR coalesce(cardinality(p_ids), 0) <> v_n OR coalesce(cardinality(p_bodies), 0) <> v_n
           OR coalesce(cardinality(p_ats), 0) <> v_n OR coalesce(cardinality(p_event_ids), 0) <> v_n
           OR coalesce(cardinality(p_event_subjects), 0) <> v_n OR coalesce(cardinality(p_events), 0) <> v_n
           OR (p_traceparents IS NOT NULL AND cardinality(p_traceparents) <> v_n) THEN
          RAISE EXCEPTION 'chat_send_batch: every array needs % entries', v_n USING ERRCODE = '22023';
        END IF;
        PERFORM 1 FROM rooms r WHERE r.id = ANY (p_rooms) ORDER BY r.id FOR NO KEY UPDATE;
        FOR i IN 1..v_n LOOP
          o_idx := i; o_id := NULL; o_seq := NULL; o_body := NULL; o_created_at := NULL; o_edited_at := NULL; o_deleted_at := NULL;
          o_sender_name := NULL; o_rev := NULL; o_reactions := NULL;
          IF NOT EXISTS (SELECT 1 FROM members m WHERE m.room_id = p_rooms[i] AND m.user_id = p_senders[i]) THEN
            o_outcome := 'not_member'; RETURN NEXT; CONTINUE;
          END IF;
          SELECT CASE WHEN u.deleted_at IS NULL THEN u.display_name END INTO o_sender_name FROM users u WHERE u.id = p_senders[i];
          SELECT m.id, m.seq, m.body, m.created_at, m.edited_at, m.deleted_at, m.rev, m.reactions
            INTO o_id, o_seq, o_body, o_created_at, o_edited_at, o_deleted_at, o_rev, o_reactions
            FROM messages m WHERE m.room_id = p_rooms[i] AND m.sender_id = p_senders[i] AND m.client_msg_id = p_clients[i];
          IF FOUND THEN o_outcome := 'duplicate'; RETURN NEXT; CONTINUE; END IF;
          UPDATE rooms SET last_seq = last_seq + 1, last_rev = last_rev + 1, last_activity_at = p_ats[i] WHERE id = p_rooms[i]
            RETURNING last_seq, last_rev INTO v_seq, v_rev;
          INSERT INTO messages (id, room_id, seq, sender_id, body, client_msg_id, created_at, rev)
            VALUES (p_ids[i], p_rooms[i], v_seq, p_senders[i], p_bodies[i], p_clients[i], p_ats[i], v_rev);
          UPDATE members SET read_seq = GREATEST(read_seq, v_seq) WHERE room_id = p_rooms[i] AND user_id = p_senders[i];
          INSERT INTO outbox (event_id, subject, payload, traceparent)
            VALUES (p_event_ids[i], p_event_subjects[i],
                    jsonb_set(jsonb_set(p_events[i], '{message,seq}', to_jsonb(v_seq)), '{message,rev}', to_jsonb(v_rev)), p_traceparents[i]);
          o_outcome := 'created'; o_id := p_ids[i]; o_seq := v_seq; o_body := p_bodies[i]; o_created_at := p_ats[i];
          o_rev := v_rev; o_reactions := '[]'::jsonb;
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
  }

  async down(): Promise<void> {
    // The functions it replaced live only in the SQL of 1764000000002-4, which also create tables:
    // going back is restoring a backup, not a migration.
    throw new Error('ChangesFeed1764000000005 cannot be reverted');
  }
}
