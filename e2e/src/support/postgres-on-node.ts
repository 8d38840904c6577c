// The operator's PostgresCluster on the real node, as the failover test reads it: the volumes its
// instances claim (the node has no provisioner), and pure readings of the CR's status and of the
// `-rw` EndpointSlice, so each wait in the test says what it is still waiting for.
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '@converge/testing/kube';
import type { ChartOnNodeOptions } from './chart-on-node';
import { NAMESPACE, RELEASE } from './release-prereqs';
import { POSTGRES_UID } from './standin-data';

type Json = Record<string, any>;

/** The overlay on hack/kube/values-node.yaml that puts PostgreSQL under the operator. */
export const OPERATOR_VALUES_FILE = join(REPO, 'hack', 'kube', 'values-node-operator.yaml');

export interface OperatorValues {
  dataLayer: { postgres: { cluster: { instances: number; storage: { size: string; storageClass: string } } } };
}

export function readOperatorValues(file = OPERATOR_VALUES_FILE): OperatorValues {
  return parse(readFileSync(file, 'utf8')) as OperatorValues;
}

/** The PostgresCluster the chart makes for a release. */
export const clusterName = (release: string) => `${release}-pg`;

/** The host directory of instance `serial`'s volume. */
export const pgVolumeDir = (hostDir: string, serial: number) => join(hostDir, `pg-${serial}`);

/**
 * One hostPath PersistentVolume per instance, bound ahead (claimRef) to the claim the operator makes
 * for it (`<cluster>-<serial>`, serials from 1), in the class the overlay names. Twice the instances,
 * so a re-seeded or added instance finds one too.
 */
export function buildPostgresVolumes(values: OperatorValues, hostDir: string, namespace: string, release: string): Json[] {
  const { instances, storage } = values.dataLayer.postgres.cluster;
  if (!storage.storageClass) throw new Error('buildPostgresVolumes: dataLayer.postgres.cluster.storage.storageClass must be set');
  return Array.from({ length: instances * 2 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${namespace}-${clusterName(release)}-${i + 1}`, labels: { 'app.kubernetes.io/part-of': 'converge-standin' } },
    spec: {
      storageClassName: storage.storageClass,
      capacity: { storage: storage.size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: pgVolumeDir(hostDir, i + 1), type: 'Directory' },
      claimRef: { namespace, name: `${clusterName(release)}-${i + 1}` },
    },
  }));
}

/**
 * startChartOnNode's options for PostgreSQL under the operator: the overlay, the operator's image, no
 * stand-in PostgreSQL, and the instances' volumes (directories owned by the image's postgres user:
 * hostPath volumes keep the owner they are made with).
 */
export function operatorPostgres(values = readOperatorValues()): ChartOnNodeOptions {
  return {
    valuesFiles: [OPERATOR_VALUES_FILE],
    images: ['operator'],
    standinPostgres: false,
    prerequisites: (nodeDir) => {
      const hostDir = join(nodeDir, 'pg-volumes');
      const volumes = buildPostgresVolumes(values, hostDir, NAMESPACE, RELEASE);
      volumes.forEach((_, i) => {
        const d = pgVolumeDir(hostDir, i + 1);
        mkdirSync(d, { recursive: true, mode: 0o700 });
        chownSync(d, POSTGRES_UID, POSTGRES_UID);
      });
      return volumes;
    },
  };
}

export interface InstanceView {
  name: string;
  role: string;
  ready: boolean;
  lsn?: string;
  timeline?: number;
}

export interface ClusterView {
  phase: string;
  primary: string;
  readyInstances: number;
  instances: InstanceView[];
  conditions: Record<string, string>;
  lastFailover?: { from: string; to: string; secondsToPromote: number; at: string };
  switchoverDone?: string;
}

/** The status of a PostgresCluster as the test judges it. */
export function clusterView(cr: Json): ClusterView {
  const s = cr.status ?? {};
  return {
    phase: s.phase ?? '',
    primary: s.currentPrimary ?? '',
    readyInstances: s.readyInstances ?? 0,
    instances: (s.instances ?? []).map((i: Json) => ({ name: i.name, role: i.role, ready: Boolean(i.ready), lsn: i.lsn, timeline: i.timeline })),
    conditions: Object.fromEntries((s.conditions ?? []).map((c: Json) => [c.type, c.status])),
    ...(s.lastFailover ? { lastFailover: s.lastFailover } : {}),
    ...(s.switchoverDone ? { switchoverDone: s.switchoverDone } : {}),
  };
}

/** True when every instance is Ready, one of them primary, and the cluster says Ready; else what is missing. */
export function healthy(v: ClusterView, instances: number): true | string {
  const replicas = v.instances.filter((i) => i.role === 'replica' && i.ready).length;
  const primary = v.instances.find((i) => i.name === v.primary);
  if (v.conditions.Ready === 'True' && primary?.ready && primary.role === 'primary' && replicas === instances - 1) return true;
  return `phase ${v.phase || '-'}, Ready=${v.conditions.Ready ?? '-'}, primary ${v.primary || '-'}, ` +
    v.instances.map((i) => `${i.name}:${i.role}${i.ready ? '' : '(not ready)'}`).join(' ');
}

/** The ready addresses of a Service's EndpointSlices (`kubectl get endpointslices -l kubernetes.io/service-name=…`). */
export function readyAddresses(slices: { items?: Json[] }): string[] {
  const out: string[] = [];
  for (const s of slices.items ?? []) {
    for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) out.push(...(e.addresses ?? []));
  }
  return out.sort();
}

/** min / median / max of some durations, for the closing figures. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { min: s[0] as number, median, max: s[s.length - 1] as number };
}
