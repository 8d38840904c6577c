import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TABLE_DDL } from '@converge/runtime';

export class Init1764000000000 implements MigrationInterface {
  name = 'Init1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_username_key UNIQUE (username),
      CONSTRAINT users_username_lower CHECK (username = lower(username))
    )`);
    // Prefix search on username and display name (LIKE 'abc%').
    await q.query(`CREATE INDEX users_username_prefix ON users (username text_pattern_ops)`);
    await q.query(`CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops)`);
    await q.query(`CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
    )`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_family_id" ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id)`);
    for (const ddl of OUTBOX_TABLE_DDL) await q.query(ddl);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS outbox`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
