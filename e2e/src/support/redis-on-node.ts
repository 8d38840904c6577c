// The operator's RedisSentinel on the real node, as the Redis tests read it: the volumes its Redis
// pods claim (the node has no provisioner), and pure readings of the CR's status.
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '@converge/testing/kube';
import type { ChartOnNodeOptions } from './chart-on-node';
import { operatorPostgres } from './postgres-on-node';
import { NAMESPACE, RELEASE } from './release-prereqs';
import { REDIS_UID } from './standin-data';

type Json = Record<string, any>;

/** The overlay (after values-node-operator.yaml) that puts Redis under the operator. */
export const REDIS_VALUES_FILE = join(REPO, 'hack', 'kube', 'values-node-redis.yaml');

export interface RedisValues {
  dataLayer: { redis: { sentinel: { replicas: number; sentinels: number; storage: { size: string; storageClass: string } } } };
}

export function readRedisValues(file = REDIS_VALUES_FILE): RedisValues {
  return parse(readFileSync(file, 'utf8')) as RedisValues;
}

/** The RedisSentinel the chart makes for a release. */
export const redisName = (release: string) => `${release}-redis`;

/**
 * One hostPath PersistentVolume per Redis pod, bound ahead to the StatefulSet's claim
 * `data-<name>-redis-<i>`, in the class the overlay names.
 */
export function buildRedisVolumes(values: RedisValues, hostDir: string, namespace: string, release: string): Json[] {
  const { replicas, storage } = values.dataLayer.redis.sentinel;
  if (!storage.storageClass) throw new Error('buildRedisVolumes: dataLayer.redis.sentinel.storage.storageClass must be set');
  const set = `${redisName(release)}-redis`;
  return Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${namespace}-${set}-${i}`, labels: { 'app.kubernetes.io/part-of': 'converge-standin' } },
    spec: {
      storageClassName: storage.storageClass,
      capacity: { storage: storage.size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: join(hostDir, `redis-${i}`), type: 'Directory' },
      claimRef: { namespace, name: `data-${set}-${i}` },
    },
  }));
}

/** startChartOnNode's options for the whole data layer from the operator: PostgreSQL and Redis. */
export function operatorDataLayer(values = readRedisValues()): ChartOnNodeOptions {
  const pg = operatorPostgres();
  return {
    ...pg,
    valuesFiles: [...(pg.valuesFiles ?? []), REDIS_VALUES_FILE],
    standinRedis: false,
    prerequisites: (nodeDir) => {
      const hostDir = join(nodeDir, 'redis-volumes');
      const volumes = buildRedisVolumes(values, hostDir, NAMESPACE, RELEASE);
      volumes.forEach((v) => {
        mkdirSync(v.spec.hostPath.path, { recursive: true, mode: 0o700 });
        chownSync(v.spec.hostPath.path, REDIS_UID, REDIS_UID);
      });
      return [...(pg.prerequisites?.(nodeDir) ?? []), ...volumes];
    },
  };
}

export interface RedisView {
  phase: string;
  master: string;
  pods: { name: string; role: string; ready: boolean; link?: string }[];
  sentinels: { name: string; reachable: boolean; masterPod?: string }[];
  conditions: Record<string, string>;
  /** The SentinelsDisagree condition's message (the views), '' when absent. */
  disagreement: string;
}

export function redisView(cr: Json): RedisView {
  const s = cr.status ?? {};
  const conditions = (s.conditions ?? []) as Json[];
  return {
    phase: s.phase ?? '',
    master: s.currentMaster ?? '',
    pods: (s.pods ?? []).map((p: Json) => ({ name: p.name, role: p.role, ready: Boolean(p.ready), link: p.link })),
    sentinels: (s.sentinels ?? []).map((v: Json) => ({ name: v.name, reachable: Boolean(v.reachable), masterPod: v.masterPod })),
    conditions: Object.fromEntries(conditions.map((c) => [c.type, c.status])),
    disagreement: conditions.find((c) => c.type === 'SentinelsDisagree' && c.status === 'True')?.message ?? '',
  };
}

/** Ready, one master, every other pod a replica with its link up, every Sentinel naming that master. */
export function redisHealthy(v: RedisView, replicas: number, sentinels: number): true | string {
  const master = v.pods.find((p) => p.name === v.master);
  const linked = v.pods.filter((p) => p.role === 'replica' && p.ready && p.link === 'up').length;
  const agreeing = v.sentinels.filter((s) => s.reachable && s.masterPod === v.master).length;
  if (v.conditions.Ready === 'True' && master?.role === 'master' && master.ready && linked === replicas - 1 && agreeing === sentinels) return true;
  return `phase ${v.phase || '-'}, Ready=${v.conditions.Ready ?? '-'}, master ${v.master || '-'}, ` +
    `pods ${v.pods.map((p) => `${p.name}:${p.role}${p.ready ? '' : '(not ready)'}${p.link ? `/${p.link}` : ''}`).join(' ')}, ` +
    `sentinels ${v.sentinels.map((s) => `${s.name}→${s.reachable ? s.masterPod ?? 'none' : 'unreachable'}`).join(' ')}`;
}
