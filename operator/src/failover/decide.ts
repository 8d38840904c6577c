import type { PostgresClusterSpec } from '../api/postgres-cluster';
import { type Observation, isServingPrimary, isStreamingReplica, lsnBytes } from './observation';

// The failover decision table: one pure function from what the operator knows (the cluster's recorded
// primary, what this pass observed, how long the primary has been failing) to what it does next.
// Level-based: the same world gives the same answer, so a restarted operator picks up where it was.

export type Action =
  | { kind: 'bootstrap'; instance: string }
  | { kind: 'start-primary'; instance: string; reason: string }
  | { kind: 'clone'; instance: string; wipe?: true }
  | { kind: 'rejoin'; instance: string; reason: string }
  | { kind: 'fence'; instance: string; reason: string }
  | { kind: 'failover'; from: string; to: string; fence: boolean; reason: string }
  | { kind: 'switchover'; from: string; to: string }
  | { kind: 'wait'; reason: string };

export interface DecisionInput {
  spec: Pick<PostgresClusterSpec, 'failoverDelaySeconds' | 'synchronous' | 'switchover'>;
  /** status.currentPrimary: the instance the API says is primary (undefined: never bootstrapped). */
  currentPrimary: string | undefined;
  /** The switchover request last completed (status.switchoverDone). */
  switchoverDone: string | undefined;
  /** Every instance that exists (a claim), in serial order. */
  observations: Observation[];
  /** Since when (ms) the current primary has been failing its checks; undefined while it is healthy. */
  primaryFailingSince: number | undefined;
  now: number;
}

/**
 * How many reachable replicas a failover needs to be sure one of them has every acknowledged commit:
 * with `ANY k` of r replicas, a commit is on at least k of them, so any r - k + 1 include one that has it.
 * Asynchronous replication promises nothing: one replica suffices (and may lack the last commits).
 */
export function replicasNeededForFailover(spec: Pick<PostgresClusterSpec, 'synchronous'>, replicas: number): number {
  if (replicas === 0) return 1;
  if (spec.synchronous.mode === 'off') return 1;
  const k = Math.min(spec.synchronous.number, replicas);
  return replicas - k + 1;
}

/** The replica to promote: the most WAL received (then replayed, then the lowest name). */
export function bestCandidate(observations: Observation[]): Observation | undefined {
  return observations
    .filter(isStreamingReplica)
    .sort((a, b) => {
      const byReceive = lsnBytes(b.agent!.receiveLsn) - lsnBytes(a.agent!.receiveLsn);
      if (byReceive !== 0n) return byReceive > 0n ? 1 : -1;
      const byReplay = lsnBytes(b.agent!.replayLsn) - lsnBytes(a.agent!.replayLsn);
      if (byReplay !== 0n) return byReplay > 0n ? 1 : -1;
      return a.name.localeCompare(b.name);
    })[0];
}

/** Orders for the instances that are not the primary: clone the empty, rejoin the strays, fence a second primary. */
function followerActions(input: DecisionInput, primary: string): Action[] {
  const actions: Action[] = [];
  for (const o of input.observations) {
    if (o.name === primary || !o.agent) continue;
    const a = o.agent;
    if (a.role === 'primary' && a.state === 'running') {
      // Two claiming primary: the API's record wins; the other stops taking writes first.
      actions.push({ kind: 'fence', instance: o.name, reason: `${o.name} runs as primary but ${primary} is the primary` });
    } else if (a.state === 'waiting' && a.dataKind === 'empty') {
      actions.push({ kind: 'clone', instance: o.name });
    } else if ((a.state === 'waiting' || a.state === 'fenced') && a.dataKind !== 'empty') {
      actions.push({ kind: 'rejoin', instance: o.name, reason: `${o.name} is not the primary (${primary}); it follows it` });
    } else if (a.state === 'failed') {
      // A failed rejoin (the WAL pg_rewind needs is gone) is re-seeded from the primary: its data holds
      // nothing acknowledged that the primary lacks (a commit waits for a synchronous replica).
      actions.push(a.dataKind === 'empty' ? { kind: 'clone', instance: o.name } : { kind: 'clone', instance: o.name, wipe: true });
    }
  }
  return actions;
}

export function decide(input: DecisionInput): Action[] {
  const { observations, currentPrimary, spec } = input;
  const byName = new Map(observations.map((o) => [o.name, o]));

  if (!currentPrimary) {
    // Never bootstrapped: the first instance becomes the primary (an instance with primary data, left
    // by a status that was lost, is preferred: its data is not thrown away).
    const withData = observations.find((o) => o.agent?.dataKind === 'primary');
    const first = withData ?? observations[0];
    if (!first) return [{ kind: 'wait', reason: 'no instance yet' }];
    if (!first.agent) return [{ kind: 'wait', reason: `waiting for ${first.name}'s agent` }];
    if (first.agent.dataKind === 'empty') return [{ kind: 'bootstrap', instance: first.name }];
    return [{ kind: 'start-primary', instance: first.name, reason: 'the first primary' }];
  }

  const primary = byName.get(currentPrimary);
  if (isServingPrimary(primary)) {
    const actions = followerActions(input, currentPrimary);
    const to = spec.switchover?.to;
    if (to && to !== input.switchoverDone && to !== currentPrimary) {
      if (isStreamingReplica(byName.get(to))) actions.push({ kind: 'switchover', from: currentPrimary, to });
      else actions.push({ kind: 'wait', reason: `switchover to ${to}: it is not a streaming replica` });
    }
    return actions;
  }

  // The primary is not serving: it restarted (waiting), it is fenced, or its agent is unreachable.
  const a = primary?.agent;
  if (a && (a.state === 'starting' || (a.state === 'running' && a.role === 'primary'))) {
    return [{ kind: 'wait', reason: `${currentPrimary} is starting` }];
  }
  const since = input.primaryFailingSince ?? input.now;
  const waited = (input.now - since) / 1000;
  if (waited < spec.failoverDelaySeconds) {
    return [{ kind: 'wait', reason: `${currentPrimary} failing for ${waited.toFixed(1)} s (failover after ${spec.failoverDelaySeconds} s)` }];
  }
  const replicas = observations.filter((o) => o.name !== currentPrimary);
  const reachable = replicas.filter(isStreamingReplica);
  const needed = replicasNeededForFailover(spec, replicas.length);
  const candidate = bestCandidate(replicas);
  if (candidate && reachable.length >= needed) {
    return [
      {
        kind: 'failover',
        from: currentPrimary,
        to: candidate.name,
        // Fence only what can hear it; an unreachable old primary is out of -rw by its label already.
        fence: !!a && a.state !== 'fenced',
        reason: a ? `${currentPrimary} is ${a.state}` : `${currentPrimary} is unreachable`,
      },
    ];
  }
  // No replica can take over without risking an acknowledged commit: bring the primary back if it can
  // come back (its own data is the newest), otherwise wait (writes block, the condition says why).
  if (a && (a.state === 'waiting' || a.state === 'failed') && a.dataKind === 'primary') {
    return [{ kind: 'start-primary', instance: currentPrimary, reason: 'no replica can take over; the primary restarts in place' }];
  }
  return [
    {
      kind: 'wait',
      reason:
        replicas.length === 0
          ? `${currentPrimary} is down and there is no replica`
          : `${currentPrimary} is down and only ${reachable.length} of ${replicas.length} replicas are reachable (${needed} needed to be sure none loses an acknowledged commit)`,
    },
  ];
}
