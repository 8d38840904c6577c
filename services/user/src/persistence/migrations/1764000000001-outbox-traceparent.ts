import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRACEPARENT_DDL } from '@converge/runtime';

/** The trace context of the change that wrote an event, beside its outbox row (the relay's publish span links to it). */
export class OutboxTraceparent1764000000001 implements MigrationInterface {
  name = 'OutboxTraceparent1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TRACEPARENT_DDL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN traceparent');
  }
}
