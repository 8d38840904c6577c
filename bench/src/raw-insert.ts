// The storage ceiling: raw `pg` inserts of chat message rows into a throwaway database, from the same
// concurrency and the same number of connections as the two chat processes have.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@converge/testing';
import { type CpuSplit, mark, split, type CpuMark, type Watched } from './scenarios';
import { ratePerSecond, type Summary, summarize } from './stats';

/** Used when the chat's migrations cannot be applied: the columns and indexes of a chat message. */
const FALLBACK_DDL = [
  `CREATE TABLE rooms (id uuid PRIMARY KEY, name text NOT NULL, kind text NOT NULL, created_by uuid NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(), last_seq bigint NOT NULL DEFAULT 0, last_activity_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE messages (id uuid PRIMARY KEY, room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE, seq bigint NOT NULL,
     sender_id uuid NOT NULL, body text, client_msg_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
     edited_at timestamptz, deleted_at timestamptz,
     CONSTRAINT messages_room_seq UNIQUE (room_id, seq), CONSTRAINT messages_idempotency UNIQUE (room_id, sender_id, client_msg_id))`,
];

interface Migration {
  name?: string;
  up(q: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void>;
}

/** Applies the compiled chat migrations (services/chat/dist/src/persistence/migrations) in name order. */
async function applyChatMigrations(pool: Pool, chatDist: string): Promise<string[] | undefined> {
  const dir = join(chatDist, 'src/persistence/migrations');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
  const applied: string[] = [];
  for (const f of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, f)) as Record<string, new () => Migration>;
    for (const Cls of Object.values(mod)) {
      if (typeof Cls !== 'function') continue;
      const m = new Cls();
      if (typeof m.up !== 'function') continue;
      await m.up({ query: (sql, params) => pool.query(sql, params as unknown[]) });
      applied.push(m.name ?? f);
    }
  }
  return applied;
}

export interface RawFigures {
  schema: string;
  insertsPerSec: number;
  latency: Summary;
  errors: number;
  connections: number;
  concurrency: number;
  variant: string;
  cpu: CpuSplit | undefined;
}

export interface RawOptions {
  chatDist: string;
  rooms: number;
  concurrency: number;
  connections: number;
  warmupMs: number;
  measureMs: number;
  bodyChars: number;
  log: (line: string) => void;
  /** CPU accounting: the bench process is the client here. */
  watched: Watched;
  /** Called as soon as the throwaway database exists, so the caller can drop it even if the run fails. */
  onDatabase?: (db: TestDatabase) => void;
}

/**
 * Two variants, each with `concurrency` loops over `rooms` rooms:
 * - `insert`: one autocommit INSERT per message, seq counted in memory (the ceiling of the issue);
 * - `seq-tx`: BEGIN; UPDATE rooms SET last_seq = last_seq + 1 RETURNING; INSERT; COMMIT (the least a
 *   gap-free seq under a room lock costs; for reading where the chat's time goes, not a target).
 */
export async function rawInsertCeiling(o: RawOptions): Promise<{ insert: RawFigures; seqTx: RawFigures }> {
  const db = await createTestDatabase('bench_raw');
  o.onDatabase?.(db);
  const pool = new Pool({ connectionString: db.url, max: o.connections });
  try {
    let schema = 'fallback DDL (chat migrations not found)';
    try {
      const applied = await applyChatMigrations(pool, o.chatDist);
      if (applied?.length) schema = `chat migrations ${applied.join(', ')}`;
      else for (const ddl of FALLBACK_DDL) await pool.query(ddl);
    } catch (e) {
      o.log(`raw: chat migrations failed (${(e as Error).message}); using the fallback table`);
      await pool.query('DROP TABLE IF EXISTS messages, members, rooms, outbox CASCADE');
      for (const ddl of FALLBACK_DDL) await pool.query(ddl);
      schema = 'fallback DDL (chat migrations failed)';
    }
    const rooms = Array.from({ length: o.rooms }, () => randomUUID());
    const creator = randomUUID();
    for (const id of rooms) {
      await pool.query(`INSERT INTO rooms (id, name, kind, created_by) VALUES ($1, 'bench', 'group', $2)`, [id, creator]);
    }
    const senders = Array.from({ length: o.concurrency }, () => randomUUID());
    const pad = 'x'.repeat(Math.max(0, o.bodyChars - 40));
    const seqs = new Map<string, number>();

    const run = async (variant: 'insert' | 'seq-tx'): Promise<RawFigures> => {
      const t0 = performance.now();
      const winStart = t0 + o.warmupMs;
      const winEnd = winStart + o.measureMs;
      let done = 0;
      let errors = 0;
      const lat: number[] = [];
      let before: CpuMark | undefined;
      let after: CpuMark | undefined;
      const t1 = setTimeout(() => (before = mark(o.watched)), o.warmupMs);
      const t2 = setTimeout(() => (after = mark(o.watched)), o.warmupMs + o.measureMs);
      const loop = async (i: number) => {
        const roomId = rooms[i % rooms.length] as string;
        const senderId = senders[i] as string;
        let n = 0;
        while (performance.now() < winEnd) {
          const t = performance.now();
          const body = `raw|0|${t.toFixed(3)}|${pad}`;
          const clientMsgId = `${variant}-${i}-${n++}`;
          try {
            if (variant === 'insert') {
              const seq = (seqs.get(roomId) ?? 0) + 1;
              seqs.set(roomId, seq);
              // The message's rev is its seq here: every change of these rooms is a new message.
              await pool.query(
                `INSERT INTO messages (id, room_id, seq, rev, sender_id, body, client_msg_id) VALUES ($1, $2, $3, $3, $4, $5, $6)
                 RETURNING id, room_id, seq, sender_id, body, client_msg_id, created_at, edited_at, deleted_at`,
                [randomUUID(), roomId, seq, senderId, body, clientMsgId],
              );
            } else {
              const c: PoolClient = await pool.connect();
              try {
                await c.query('BEGIN');
                const r = await c.query<{ last_seq: string; last_rev: string }>(
                  'UPDATE rooms SET last_seq = last_seq + 1, last_rev = last_rev + 1, last_activity_at = now() WHERE id = $1 RETURNING last_seq, last_rev',
                  [roomId],
                );
                await c.query(
                  `INSERT INTO messages (id, room_id, seq, rev, sender_id, body, client_msg_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
                   RETURNING id, room_id, seq, sender_id, body, client_msg_id, created_at, edited_at, deleted_at`,
                  [randomUUID(), roomId, Number(r.rows[0]?.last_seq), Number(r.rows[0]?.last_rev), senderId, body, clientMsgId],
                );
                await c.query('COMMIT');
              } catch (e) {
                await c.query('ROLLBACK').catch(() => undefined);
                throw e;
              } finally {
                c.release();
              }
            }
            const te = performance.now();
            if (te >= winStart && te <= winEnd) done++;
            if (t >= winStart && t <= winEnd) lat.push(te - t);
          } catch {
            errors++;
            await sleep(5);
          }
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, (_, i) => loop(i)));
      clearTimeout(t1);
      clearTimeout(t2);
      return {
        cpu: before && after ? split(before, after) : undefined,
        schema,
        variant,
        insertsPerSec: ratePerSecond(done, o.measureMs),
        latency: summarize(lat),
        errors,
        connections: o.connections,
        concurrency: o.concurrency,
      };
    };
    // seq-tx reuses the rooms' last_seq and last_rev, which start at 0: keep them clear of the insert variant's.
    const insert = await run('insert');
    await pool.query(
      'UPDATE rooms SET last_seq = (SELECT coalesce(max(seq), 0) FROM messages m WHERE m.room_id = rooms.id), last_rev = (SELECT coalesce(max(rev), 0) FROM messages m WHERE m.room_id = rooms.id)',
    );
    const seqTx = await run('seq-tx');
    return { insert, seqTx };
  } finally {
    await pool.end();
  }
}
