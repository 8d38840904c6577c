import type { SentinelView } from '../api/redis-sentinel';
import { type RedisObservation, type SentinelObservation, addressKey, hasData, podAt } from './observation';

// The agreement rule: from every Sentinel's view and every Redis pod's INFO, which pod is the master
// (the one a quorum of Sentinels names), what to tell whom, and when to say "they disagree" instead
// of guessing. Failover itself is Sentinel's; this only keeps the labels in step, re-seeds Sentinels
// that lost their state, bootstraps an empty set and points a returning old master at the new one.

export interface AgreementInput {
  /** Sentinels that must name one master for the operator to follow it. */
  quorum: number;
  /** The spec's Sentinel and Redis counts (pods not observed yet count as not answering). */
  sentinels: number;
  replicas: number;
  timings: { downAfterMs: number; failoverTimeoutMs: number };
  /** The pod a fresh set starts with as its master (`<name>-redis-0`). */
  bootstrapPod: string;
  redis: RedisObservation[];
  sentinelViews: SentinelObservation[];
  /** Since when each pod has claimed master while the agreed master is another (the reconciler's memory). */
  claimingSince: Record<string, number>;
  now: number;
  /** How long a pod may claim master beside the agreed one before it is pointed at it. */
  claimGraceMs: number;
  /** When a Sentinel was last reset (one reset at a time, RESET_INTERVAL_MS apart). */
  lastResetAt?: number;
}

export type RedisAction =
  /** REPLICAOF the master's announced address. */
  | { kind: 'replicaof'; pod: string; master: string; host: string; port: number; reason: string }
  /** SENTINEL MONITOR the master + auth-pass + timings. */
  | { kind: 'monitor'; sentinel: string; master: string; host: string; port: number; reason: 'bootstrap' | 'reseed' | 'adopt' }
  /** SENTINEL SET: the spec's quorum or timings differ from what it runs with. */
  | { kind: 'configure'; sentinel: string; settings: { quorum?: number; downAfterMs?: number; failoverTimeoutMs?: number } }
  /** SENTINEL RESET: it counts more Sentinels or replicas than the set has (pods removed or replaced). */
  | { kind: 'reset'; sentinel: string; reason: string };

export type Disagreement = { reason: 'DifferentMasters' | 'SentinelUnreachable' | 'SentinelLostState' | 'UnknownMaster' | 'NoQuorum'; message: string };

export interface Agreement {
  /** The master pod the operator follows (labels, -master, status); absent: none is known. */
  master?: string;
  /** How it was established. */
  source?: 'sentinels' | 'topology' | 'bootstrap';
  failoverInProgress: boolean;
  disagreement?: Disagreement;
  /** Each Sentinel's view, for the status. */
  views: SentinelView[];
  actions: RedisAction[];
  /** Why nothing (more) is done this pass; the first one is the status message. */
  waits: string[];
  /** Pods that claim master beside the agreed one (the reconciler records since when). */
  claimants: string[];
}

export const RESET_INTERVAL_MS = 30_000;

const announced = (o: RedisObservation): { host: string; port: number } => {
  const a = o.addresses[0] ?? '';
  const i = a.lastIndexOf(':');
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
};

function view(s: SentinelObservation, redis: RedisObservation[]): SentinelView {
  const v: SentinelView = { name: s.name, reachable: s.reachable };
  if (s.monitor) {
    const m = s.monitor;
    v.master = addressKey(m.host, m.port);
    const pod = podAt(redis, m.host, m.port);
    if (pod) v.masterPod = pod.name;
    v.configEpoch = m.configEpoch;
    v.failoverInProgress = m.failoverInProgress;
    v.knownReplicas = m.knownReplicas;
    v.knownSentinels = m.knownSentinels;
  }
  return v;
}

const describeView = (v: SentinelView) =>
  !v.reachable ? `${v.name}: unreachable` : !v.master ? `${v.name}: monitors nothing` : `${v.name}: ${v.masterPod ?? v.master} (epoch ${v.configEpoch ?? 0})`;

/**
 * The master the Redis pods themselves agree on: one pod answers as master and either has replicas
 * following it or is the only one with data, and no other master has data. Used when too few
 * Sentinels know a master (they lost their state): then the data decides, never a guess.
 */
export function topologyMaster(redis: RedisObservation[]): RedisObservation | undefined {
  const reach = redis.filter((r) => r.reachable && r.info);
  const masters = reach.filter((r) => r.info!.role === 'master');
  const followers = (m: RedisObservation) => reach.filter((r) => r.info!.role === 'replica' && podAt(redis, r.info!.masterHost, r.info!.masterPort) === m);
  const candidates = masters.filter((m) => followers(m).length > 0 || hasData(m));
  if (candidates.length !== 1) return undefined;
  const [m] = candidates as [RedisObservation];
  // Every replica must follow it: a replica of some other pod means a topology we do not understand.
  const strays = reach.filter((r) => r.info!.role === 'replica' && podAt(redis, r.info!.masterHost, r.info!.masterPort) !== m);
  return strays.length === 0 ? m : undefined;
}

export function decideAgreement(input: AgreementInput): Agreement {
  const { redis, sentinelViews } = input;
  const views = sentinelViews.map((s) => view(s, redis));
  const reachable = sentinelViews.filter((s) => s.reachable);
  const monitoring = reachable.filter((s) => s.monitor);
  const empty = reachable.filter((s) => !s.monitor);
  const failoverInProgress = monitoring.some((s) => s.monitor!.failoverInProgress);
  const out: Agreement = { failoverInProgress, views, actions: [], waits: [], claimants: [] };
  const viewsText = () => views.map(describeView).join('; ');

  // Votes per master address.
  const votes = new Map<string, { count: number; host: string; port: number }>();
  for (const s of monitoring) {
    const k = addressKey(s.monitor!.host, s.monitor!.port);
    const v = votes.get(k) ?? { count: 0, host: s.monitor!.host, port: s.monitor!.port };
    v.count++;
    votes.set(k, v);
  }
  const ranked = [...votes.values()].sort((a, b) => b.count - a.count);
  const [best, second] = ranked;
  const byQuorum = best && best.count >= input.quorum && (!second || second.count < best.count) ? best : undefined;

  if (votes.size > 1) out.disagreement = { reason: 'DifferentMasters', message: `the Sentinels name different masters: ${viewsText()}` };
  else if (reachable.length < input.sentinels) out.disagreement = { reason: 'SentinelUnreachable', message: `not every Sentinel answers: ${viewsText()}` };

  let master: RedisObservation | undefined;
  if (byQuorum) {
    master = podAt(redis, byQuorum.host, byQuorum.port);
    if (!master) {
      out.disagreement = { reason: 'UnknownMaster', message: `the Sentinels agree on ${addressKey(byQuorum.host, byQuorum.port)}, which is no pod of this set: ${viewsText()}` };
      out.waits.push(out.disagreement.message);
      return out;
    }
    out.master = master.name;
    out.source = 'sentinels';
  } else if (votes.size > 1) {
    out.waits.push(`no master has a quorum of ${input.quorum} Sentinels; following none until they agree`);
    return out;
  } else {
    // No master has a quorum: fewer than `quorum` Sentinels monitor anything (they lost their state).
    const t = topologyMaster(redis);
    const named = best ? podAt(redis, best.host, best.port) : undefined;
    if (t && (!best || named === t)) {
      master = t;
      out.master = t.name;
      out.source = 'topology';
    } else if (!best && isFresh(input)) {
      return bootstrap(input, out);
    } else {
      if (monitoring.length === 0 && reachable.length < input.sentinels) out.waits.push(`waiting for every Sentinel to answer before seeding them (${reachable.length} of ${input.sentinels})`);
      else if (monitoring.length === 0 && redis.filter((r) => r.reachable).length < input.replicas) out.waits.push('no Sentinel knows a master; waiting for every Redis pod to answer');
      else {
        const masters = redis.filter((r) => r.info?.role === 'master').map((r) => `${r.name}${hasData(r) ? ' (with data)' : ''}`);
        out.waits.push(`no quorum of Sentinels names a master and the Redis pods name none unambiguously (masters: ${masters.join(', ') || 'none'}); not guessing`);
      }
      out.disagreement ??= { reason: 'NoQuorum', message: `${out.waits[0]}: ${viewsText()}` };
      return out;
    }
  }

  if (failoverInProgress) {
    out.waits.push(`a Sentinel failover is in progress (from ${master.name})`);
    return out;
  }
  const at = announced(master);

  // Sentinels that monitor nothing: seeded with the agreed master (adopt: the data named it).
  for (const s of empty) out.actions.push({ kind: 'monitor', sentinel: s.name, master: master.name, ...at, reason: out.source === 'topology' ? 'adopt' : 'reseed' });
  if (empty.length > 0 && !out.disagreement) out.disagreement = { reason: 'SentinelLostState', message: `re-seeding Sentinels that lost their state: ${viewsText()}` };

  for (const s of monitoring) {
    const m = s.monitor!;
    if (podAt(redis, m.host, m.port) !== master) continue;
    const settings: { quorum?: number; downAfterMs?: number; failoverTimeoutMs?: number } = {};
    if (m.quorum !== input.quorum) settings.quorum = input.quorum;
    if (m.downAfterMs !== input.timings.downAfterMs) settings.downAfterMs = input.timings.downAfterMs;
    if (m.failoverTimeoutMs !== input.timings.failoverTimeoutMs) settings.failoverTimeoutMs = input.timings.failoverTimeoutMs;
    if (Object.keys(settings).length > 0) out.actions.push({ kind: 'configure', sentinel: s.name, settings });
  }

  // Stale Sentinel memory (removed or replaced pods it still counts): reset one Sentinel at a time,
  // only while every Sentinel answers and agrees, so a failover always keeps its majority.
  if (!out.disagreement && empty.length === 0 && (input.lastResetAt === undefined || input.now - input.lastResetAt >= RESET_INTERVAL_MS)) {
    const stale = monitoring.find((s) => s.monitor!.knownSentinels > input.sentinels - 1 || s.monitor!.knownReplicas > input.replicas - 1);
    if (stale) {
      out.actions.push({
        kind: 'reset',
        sentinel: stale.name,
        reason: `it counts ${stale.monitor!.knownSentinels} other Sentinels and ${stale.monitor!.knownReplicas} replicas for ${input.sentinels} Sentinels and ${input.replicas} Redis pods`,
      });
    }
  }

  // A Redis pod that claims master beside the agreed one (an old master back after a failover, a new
  // empty pod): pointed at the master once the master itself answers as master and the claim has
  // lasted the grace period (Sentinel usually converts a returning master first).
  const masterServes = master.reachable && master.info?.role === 'master';
  if (!masterServes) out.waits.push(`${master.name} does not answer as master yet`);
  for (const r of redis) {
    if (r === master || !r.reachable || r.info?.role !== 'master') continue;
    out.claimants.push(r.name);
    const since = input.claimingSince[r.name];
    if (masterServes && since !== undefined && input.now - since >= input.claimGraceMs) {
      out.actions.push({ kind: 'replicaof', pod: r.name, master: master.name, ...at, reason: `${r.name} claims master while the Sentinels agree on ${master.name}` });
    }
  }
  return out;
}

/** Nothing is known anywhere: every Sentinel answers and monitors nothing, every Redis pod answers as an empty master. */
function isFresh(input: AgreementInput): boolean {
  const reach = input.redis.filter((r) => r.reachable && r.info);
  return (
    input.sentinelViews.filter((s) => s.reachable && !s.monitor).length === input.sentinels &&
    reach.length >= input.replicas &&
    reach.every((r) => r.info!.role === 'master' && !hasData(r))
  );
}

function bootstrap(input: AgreementInput, out: Agreement): Agreement {
  const first = input.redis.find((r) => r.name === input.bootstrapPod);
  if (!first) {
    out.waits.push(`bootstrap: ${input.bootstrapPod} is not there yet`);
    return out;
  }
  const at = announced(first);
  out.master = first.name;
  out.source = 'bootstrap';
  for (const r of input.redis) {
    if (r !== first) out.actions.push({ kind: 'replicaof', pod: r.name, master: first.name, ...at, reason: 'bootstrap' });
  }
  for (const s of input.sentinelViews) out.actions.push({ kind: 'monitor', sentinel: s.name, master: first.name, ...at, reason: 'bootstrap' });
  delete out.disagreement;
  return out;
}
