import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TABLE_DDL } from '@converge/runtime';

export class Init1764000000001 implements MigrationInterface {
  name = 'Init1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rooms (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('group', 'direct')),
      direct_key text UNIQUE,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seq bigint NOT NULL DEFAULT 0,
      last_activity_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE members (
      room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'member')),
      read_seq bigint NOT NULL DEFAULT 0,
      joined_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (room_id, user_id)
    )`);
    // The room list: a user's memberships, then rooms by latest activity.
    await q.query(`CREATE INDEX members_user ON members (user_id)`);
    await q.query(`CREATE INDEX rooms_activity ON rooms (last_activity_at DESC)`);
    await q.query(`CREATE TABLE messages (
      id uuid PRIMARY KEY,
      room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
      seq bigint NOT NULL,
      sender_id uuid NOT NULL,
      body text,
      client_msg_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      edited_at timestamptz,
      deleted_at timestamptz,
      -- Gap-free order per room, and history by (room_id, seq).
      CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
      -- A retried send can never store a second message.
      CONSTRAINT messages_idempotency UNIQUE (room_id, sender_id, client_msg_id)
    )`);
    for (const ddl of OUTBOX_TABLE_DDL) await q.query(ddl);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS outbox`);
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE members`);
    await q.query(`DROP TABLE rooms`);
  }
}
