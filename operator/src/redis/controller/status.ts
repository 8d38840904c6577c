import { type ConditionValue, mergeConditions } from '../../controller/conditions';
import type { RedisPodStatus, RedisSentinel, RedisSentinelStatus } from '../api/redis-sentinel';
import type { PassResult } from '../live/pass';

export interface RedisStatusInput {
  r: RedisSentinel;
  /** The pass's reading and agreement; absent when nothing could be read yet (no password, no pods). */
  pass?: PassResult;
  /** Kubernetes readiness of each Redis and Sentinel pod that exists. */
  podReady: Record<string, boolean>;
  /** Pods still to be created or removed (the StatefulSets have not reached the spec yet). */
  scaling: boolean;
  now: string;
}

/** Per-pod status from INFO replication (ready: Kubernetes Ready and answering). */
export function redisPodStatuses(input: RedisStatusInput): RedisPodStatus[] {
  return (input.pass?.redis ?? []).map((o) => {
    const s: RedisPodStatus = { name: o.name, role: o.info?.role ?? 'unknown', ready: !!input.podReady[o.name] && o.reachable };
    if (o.info) s.offset = o.info.offset;
    if (o.info?.role === 'replica') {
      s.link = o.info.linkUp ? 'up' : 'down';
      if (o.info.masterHost) s.following = `${o.info.masterHost}:${o.info.masterPort}`;
    }
    return s;
  });
}

/** The status recomputed from the world: the same world gives the same status (patched only on change). */
export function computeRedisStatus(input: RedisStatusInput): RedisSentinelStatus {
  const { r, pass } = input;
  const old = r.status ?? {};
  const spec = r.spec;
  const a = pass?.agreement;
  const pods = redisPodStatuses(input);
  const readyReplicas = pods.filter((p) => p.ready).length;
  const master = a?.master;
  const masterPod = pods.find((p) => p.name === master);
  const serving = !!masterPod && masterPod.role === 'master' && masterPod.ready;
  const linkedReplicas = pods.filter((p) => p.role === 'replica' && p.link === 'up').length;
  const readySentinels = (a?.views ?? []).filter((v) => v.reachable && v.masterPod !== undefined && v.masterPod === master).length;
  const waits = a?.waits ?? [pass ? 'reading the pods' : 'waiting for the pods and the password'];
  const acting = (a?.actions.length ?? 0) > 0;

  const conditions: ConditionValue[] = [];
  const allReady = serving && readyReplicas === spec.replicas && linkedReplicas === spec.replicas - 1 && readySentinels === spec.sentinels && !a?.disagreement && !input.scaling;
  conditions.push(
    allReady
      ? { type: 'Ready', status: 'True', reason: 'AllReady', message: `master ${master}, ${readyReplicas} of ${spec.replicas} Redis pods ready, ${readySentinels} Sentinels agree` }
      : serving
        ? { type: 'Ready', status: 'False', reason: 'NotAllReady', message: `master ${master} serves; ${readyReplicas} of ${spec.replicas} Redis pods ready, ${linkedReplicas} replicas linked, ${readySentinels} of ${spec.sentinels} Sentinels agree` }
        : { type: 'Ready', status: 'False', reason: 'NoMaster', message: waits[0] ?? (master ? `${master} does not serve` : 'no master') },
  );
  conditions.push(
    input.scaling || acting || (!master && !a?.disagreement)
      ? { type: 'Progressing', status: 'True', reason: 'Reconciling', message: input.scaling ? 'pods are being created or removed' : acting ? a!.actions.map((x) => x.kind).join(', ') : (waits[0] ?? 'starting') }
      : { type: 'Progressing', status: 'False', reason: 'Reconciled', message: 'every pod is as the spec says' },
  );
  const degraded: string[] = [];
  const down = pods.filter((p) => !p.ready).map((p) => p.name);
  if (down.length > 0) degraded.push(`not ready: ${down.join(', ')}`);
  const unlinked = pods.filter((p) => p.role === 'replica' && p.link !== 'up').map((p) => p.name);
  if (unlinked.length > 0) degraded.push(`replication link down: ${unlinked.join(', ')}`);
  const lost = (a?.views ?? []).filter((v) => !v.reachable).map((v) => v.name);
  if (lost.length > 0) degraded.push(`Sentinels not answering: ${lost.join(', ')}`);
  if (master && !serving) degraded.push(`${master} does not serve as master`);
  conditions.push(
    degraded.length > 0 && (master || old.currentMaster)
      ? { type: 'Degraded', status: 'True', reason: serving ? 'PodsMissing' : 'MasterDown', message: degraded.join('; ') }
      : { type: 'Degraded', status: 'False', reason: 'Healthy', message: master ? 'the master, its replicas and the Sentinels answer' : 'not started yet' },
  );
  conditions.push(
    a?.disagreement
      ? { type: 'SentinelsDisagree', status: 'True', reason: a.disagreement.reason, message: a.disagreement.message }
      : { type: 'SentinelsDisagree', status: 'False', reason: 'Agree', message: master ? `every Sentinel names ${master}` : 'no Sentinel names a master yet' },
  );

  const phase: RedisSentinelStatus['phase'] = pods.length === 0
    ? 'Pending'
    : a?.failoverInProgress ? 'FailingOver'
    : !master ? (old.currentMaster || a?.disagreement ? 'Unavailable' : 'Bootstrapping')
    : !serving ? 'Unavailable'
    : allReady ? 'Healthy' : 'Degraded';

  const status: RedisSentinelStatus = {
    phase,
    readyReplicas,
    readySentinels,
    pods,
    sentinels: a?.views ?? [],
    conditions: mergeConditions(old.conditions, conditions, input.now, r.metadata.generation),
    ...(r.metadata.generation !== undefined ? { observedGeneration: r.metadata.generation } : {}),
  };
  // No agreement: the last master stays recorded (its label is not moved either); never a guess.
  const current = master ?? old.currentMaster;
  if (current) status.currentMaster = current;
  if (master && old.currentMaster !== master) status.lastMasterChange = { ...(old.currentMaster ? { from: old.currentMaster } : {}), to: master, at: input.now };
  else if (old.lastMasterChange) status.lastMasterChange = old.lastMasterChange;
  return status;
}
