import type { RedisAction } from '../agreement/decide';
import { type Target, withConnection } from './connection';

export interface ActContext {
  redis: Map<string, Target>;
  sentinels: Map<string, Target>;
  password: string | undefined;
  masterName: string;
  quorum: number;
  timings: { downAfterMs: number; failoverTimeoutMs: number };
}

export interface ActResult {
  action: RedisAction;
  error?: string;
}

const target = (m: Map<string, Target>, name: string) => {
  const t = m.get(name);
  if (!t) throw new Error(`${name} has no address yet`);
  return t;
};

/** SENTINEL MONITOR plus the settings a seeded Sentinel needs (the password of the set, the timings). */
async function monitor(ctx: ActContext, t: Target, host: string, port: number): Promise<void> {
  await withConnection(t, ctx.password, async (c) => {
    try {
      await c.call('SENTINEL', 'MONITOR', ctx.masterName, host, String(port), String(ctx.quorum));
    } catch (e) {
      // Seeded by a pass that failed half way: set what follows.
      if (!/Duplicate/i.test(String((e as Error).message))) throw e;
    }
    await c.call(
      'SENTINEL', 'SET', ctx.masterName,
      ...(ctx.password ? ['auth-pass', ctx.password] : []),
      'down-after-milliseconds', String(ctx.timings.downAfterMs),
      'failover-timeout', String(ctx.timings.failoverTimeoutMs),
      'parallel-syncs', '1',
    );
  });
}

/** Carries out the agreement's actions in order; one failing does not stop the next (each is retried next pass). */
export async function carryOut(actions: RedisAction[], ctx: ActContext): Promise<ActResult[]> {
  const results: ActResult[] = [];
  for (const a of actions) {
    try {
      switch (a.kind) {
        case 'replicaof':
          await withConnection(target(ctx.redis, a.pod), ctx.password, (c) => c.call('REPLICAOF', a.host, String(a.port)));
          break;
        case 'monitor':
          await monitor(ctx, target(ctx.sentinels, a.sentinel), a.host, a.port);
          break;
        case 'configure': {
          const s = a.settings;
          const args = [
            ...(s.quorum !== undefined ? ['quorum', String(s.quorum)] : []),
            ...(s.downAfterMs !== undefined ? ['down-after-milliseconds', String(s.downAfterMs)] : []),
            ...(s.failoverTimeoutMs !== undefined ? ['failover-timeout', String(s.failoverTimeoutMs)] : []),
          ];
          await withConnection(target(ctx.sentinels, a.sentinel), ctx.password, (c) => c.call('SENTINEL', 'SET', ctx.masterName, ...args));
          break;
        }
        case 'reset':
          await withConnection(target(ctx.sentinels, a.sentinel), ctx.password, (c) => c.call('SENTINEL', 'RESET', ctx.masterName));
          break;
      }
      results.push({ action: a });
    } catch (e) {
      results.push({ action: a, error: String((e as Error).message ?? e).slice(0, 300) });
    }
  }
  return results;
}
