// A yardstick for the shared PostgreSQL: one-row INSERT commits at a steady pace in the database under
// test, timed while the chat's latency is measured. Other people's test suites create and drop
// databases on the same server (DROP DATABASE forces a checkpoint) and commits wait on the WAL fsync,
// so a send→deliver p99 well above the target is only the chat's fault if these commits stay fast.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { type Summary, summarize } from './stats';

export interface CommitProbe {
  /** Stops the probe and summarizes commit latencies (ms) seen so far. */
  stop(): Promise<Summary>;
}

export async function startCommitProbe(databaseUrl: string, everyMs = 20): Promise<CommitProbe> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  // Its own table, so the chat's rows and indexes are left alone.
  await c.query('CREATE TABLE IF NOT EXISTS bench_commit_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await c.query('INSERT INTO bench_commit_probe DEFAULT VALUES');
      const dt = performance.now() - t;
      samples.push(dt);
      await sleep(Math.max(0, everyMs - dt));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await c.end();
      return summarize(samples);
    },
  };
}
