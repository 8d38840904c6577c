import type { InstanceStatus, PostgresCluster, PostgresClusterStatus } from '../api/postgres-cluster';
import type { Action } from '../failover/decide';
import { type Observation, isServingPrimary, isStreamingReplica, lsnBytes } from '../failover/observation';
import { synchronousStandbyNames } from '../builders/config-map';
import { type ConditionValue, mergeConditions } from './conditions';

/** Per-instance status from the agents' answers (lag: bytes of WAL the replica has not replayed). */
export function instanceStatuses(observations: Observation[], primary: string | undefined): InstanceStatus[] {
  const primaryLsn = lsnBytes(observations.find((o) => o.name === primary)?.agent?.currentLsn);
  return observations.map((o) => {
    const a = o.agent;
    const lsn = a?.currentLsn ?? a?.replayLsn ?? a?.checkpointLsn ?? undefined;
    const s: InstanceStatus = { name: o.name, role: a?.role ?? 'none', ready: o.podReady && !!a?.ready, state: a?.state ?? 'unreachable' };
    if (lsn) s.lsn = lsn;
    if (a?.timeline) s.timeline = a.timeline;
    if (a?.role === 'replica' && primaryLsn >= 0n && a.replayLsn) {
      const lag = primaryLsn - lsnBytes(a.replayLsn);
      s.lagBytes = Number(lag > 0n ? lag : 0n);
    }
    return s;
  });
}

export interface StatusInput {
  cluster: PostgresCluster;
  observations: Observation[];
  currentPrimary: string | undefined;
  targetPrimary: string | undefined;
  actions: Action[];
  /** Instances still to be created or removed this pass (the spec's count not reached yet). */
  scaling: boolean;
  now: string;
}

/** The status recomputed from the world: the same world gives the same status (patched only on change). */
export function computeStatus(input: StatusInput): PostgresClusterStatus {
  const { cluster, observations, currentPrimary } = input;
  const old = cluster.status ?? {};
  const instances = instanceStatuses(observations, currentPrimary);
  const readyInstances = instances.filter((i) => i.ready).length;
  const primaryObs = observations.find((o) => o.name === currentPrimary);
  const serving = isServingPrimary(primaryObs);
  const failingOver = input.actions.some((a) => a.kind === 'failover') || (!!currentPrimary && !serving && observations.length > 1);
  const switching = input.actions.some((a) => a.kind === 'switchover');
  const sync = synchronousStandbyNames(cluster);
  const syncNeeded = sync ? Math.min(cluster.spec.synchronous.number, cluster.spec.instances - 1) : 0;
  const syncStandbys = primaryObs?.agent?.standbys.filter((s) => s.syncState === 'quorum' || s.syncState === 'sync').length ?? 0;
  const streaming = observations.filter(isStreamingReplica).length;
  const waits = input.actions.filter((a) => a.kind === 'wait').map((a) => (a as { reason: string }).reason);
  const progressing =
    input.scaling ||
    observations.some((o) => !o.agent || o.agent.state === 'starting' || (o.agent.state === 'waiting' && o.name !== currentPrimary)) ||
    input.actions.some((a) => a.kind !== 'wait');

  const conditions: ConditionValue[] = [];
  const allReady = serving && readyInstances === cluster.spec.instances && !input.scaling;
  conditions.push(
    allReady
      ? { type: 'Ready', status: 'True', reason: 'AllInstancesReady', message: `primary ${currentPrimary}, ${readyInstances} of ${cluster.spec.instances} instances ready` }
      : serving
        ? { type: 'Ready', status: 'False', reason: 'InstancesNotReady', message: `primary ${currentPrimary} serves; ${readyInstances} of ${cluster.spec.instances} instances ready` }
        : { type: 'Ready', status: 'False', reason: 'NoPrimary', message: waits[0] ?? 'no primary accepts writes' },
  );
  conditions.push(
    progressing
      ? { type: 'Progressing', status: 'True', reason: 'Reconciling', message: waits[0] ?? 'creating or starting instances' }
      : { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'every instance is as the spec says' },
  );
  const degraded: string[] = [];
  if (serving && syncStandbys < syncNeeded) {
    degraded.push(`writes block: ${syncStandbys} of the ${syncNeeded} synchronous replicas a commit waits for are streaming`);
  }
  if (serving && streaming < observations.length - 1) degraded.push(`${observations.length - 1 - streaming} replica(s) not streaming`);
  if (!serving && currentPrimary) degraded.push(waits[0] ?? `${currentPrimary} does not accept writes`);
  conditions.push(
    degraded.length > 0
      ? { type: 'Degraded', status: 'True', reason: serving ? 'ReplicasMissing' : 'PrimaryDown', message: degraded.join('; ') }
      : { type: 'Degraded', status: 'False', reason: 'Healthy', message: 'the primary and every replica are streaming' },
  );
  conditions.push(
    failingOver
      ? { type: 'FailingOver', status: 'True', reason: 'PrimaryFailing', message: waits[0] ?? `promoting a replica in place of ${currentPrimary}` }
      : { type: 'FailingOver', status: 'False', reason: 'PrimaryHealthy', message: serving ? `${currentPrimary} accepts writes` : 'no failover in progress' },
  );

  const phase: PostgresClusterStatus['phase'] = !currentPrimary
    ? observations.length === 0 ? 'Pending' : 'Initializing'
    : switching ? 'SwitchingOver'
    : failingOver ? 'FailingOver'
    : !serving ? 'Unavailable'
    : allReady ? 'Healthy' : 'Degraded';

  const status: PostgresClusterStatus = {
    phase,
    readyInstances,
    instances,
    conditions: mergeConditions(old.conditions, conditions, input.now, cluster.metadata.generation),
    ...(cluster.metadata.generation !== undefined ? { observedGeneration: cluster.metadata.generation } : {}),
  };
  if (currentPrimary) status.currentPrimary = currentPrimary;
  if (input.targetPrimary) status.targetPrimary = input.targetPrimary;
  if (old.lastFailover) status.lastFailover = old.lastFailover;
  if (old.switchoverDone) status.switchoverDone = old.switchoverDone;
  return status;
}
