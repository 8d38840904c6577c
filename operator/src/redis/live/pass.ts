import { type Agreement, decideAgreement } from '../agreement/decide';
import type { RedisObservation, SentinelObservation } from '../agreement/observation';
import { type ActResult, carryOut } from './act';
import type { Target } from './connection';
import { readRedis, readSentinel } from './read';

// One read–agree–act pass over a Redis + Sentinel set, shared by the reconciler (pods) and the
// loopback test (processes): everything but where the pods are.

export interface SetUnderWatch {
  /** Redis pods: where to connect and the addresses they are known by (announced first). */
  redis: (Target & { addresses: string[] })[];
  sentinels: Target[];
  password: string | undefined;
  masterName: string;
  quorum: number;
  /** The spec's counts (a pod not listed yet counts as not answering). */
  replicas: number;
  sentinelCount: number;
  timings: { downAfterMs: number; failoverTimeoutMs: number };
  bootstrapPod: string;
}

/** What a pass keeps for the next one; losing it (an operator restart) only delays a re-point. */
export interface PassMemory {
  claimingSince: Record<string, number>;
  lastResetAt?: number;
}

export interface PassResult {
  redis: RedisObservation[];
  sentinels: SentinelObservation[];
  agreement: Agreement;
  results: ActResult[];
}

export const newPassMemory = (): PassMemory => ({ claimingSince: {} });

export async function observeSet(set: SetUnderWatch): Promise<{ redis: RedisObservation[]; sentinels: SentinelObservation[] }> {
  const [redis, sentinels] = await Promise.all([
    Promise.all(set.redis.map((t) => readRedis(t, set.password))),
    Promise.all(set.sentinels.map((t) => readSentinel(t, set.password, set.masterName))),
  ]);
  return { redis, sentinels };
}

export async function sentinelPass(set: SetUnderWatch, memory: PassMemory, opts: { act?: boolean; claimGraceMs?: number; now?: () => number } = {}): Promise<PassResult> {
  const now = opts.now ?? Date.now;
  const { redis, sentinels } = await observeSet(set);
  const agreement = decideAgreement({
    quorum: set.quorum,
    sentinels: set.sentinelCount,
    replicas: set.replicas,
    timings: set.timings,
    bootstrapPod: set.bootstrapPod,
    redis,
    sentinelViews: sentinels,
    claimingSince: memory.claimingSince,
    now: now(),
    claimGraceMs: opts.claimGraceMs ?? 3000,
    ...(memory.lastResetAt !== undefined ? { lastResetAt: memory.lastResetAt } : {}),
  });
  // Claims are timed from the first pass that saw them; a claim that ended is forgotten.
  const t = now();
  for (const c of agreement.claimants) memory.claimingSince[c] ??= t;
  for (const c of Object.keys(memory.claimingSince)) if (!agreement.claimants.includes(c)) delete memory.claimingSince[c];
  let results: ActResult[] = [];
  if (opts.act !== false && agreement.actions.length > 0) {
    results = await carryOut(agreement.actions, {
      redis: new Map(set.redis.map((r) => [r.name, r])),
      sentinels: new Map(set.sentinels.map((s) => [s.name, s])),
      password: set.password,
      masterName: set.masterName,
      quorum: set.quorum,
      timings: set.timings,
    });
    if (results.some((r) => r.action.kind === 'reset' && !r.error)) memory.lastResetAt = t;
    for (const r of results) if (r.action.kind === 'replicaof' && !r.error) delete memory.claimingSince[r.action.pod];
  }
  return { redis, sentinels, agreement, results };
}
