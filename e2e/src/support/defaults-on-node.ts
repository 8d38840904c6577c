// What `helm install` with the chart's defaults needs on the real node, beside the images: the
// namespace, the JWT signing key Secret the values name, and — the node has no provisioner — a default
// StorageClass with one hostPath PersistentVolume bound ahead to every claim the defaults make
// (NATS's StatefulSet, the PostgresCluster's instances, the RedisSentinel's Redis pods), each owned
// by its image's user. Sizes and counts come from the chart's own values.yaml, not copies.
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '@converge/testing/kube';
import type { ChartOnNodeOptions } from './chart-on-node';
import { clusterName } from './postgres-on-node';
import { redisName } from './redis-on-node';
import { buildNamespace, type Credentials, NAMESPACE, NATS_UID, RELEASE } from './release-prereqs';
import { POSTGRES_UID, REDIS_UID } from './standin-data';

type Json = Record<string, any>;

export const DEFAULTS_VALUES_FILE = join(REPO, 'hack', 'kube', 'values-node-defaults.yaml');
export const DEFAULT_CLASS = 'converge-node-default';

/** The part of the chart's values.yaml the claims depend on. */
interface ChartDefaults {
  jwt: { secretName: string; key: string };
  nats: { replicas: number; storage: { size: string } };
  dataLayer: {
    postgres: { cluster: { instances: number; storage: { size: string } } };
    redis: { sentinel: { replicas: number; sentinels: number; storage: { size: string } } };
  };
}

export function readChartDefaults(file = join(REPO, 'charts', 'converge', 'values.yaml')): ChartDefaults {
  return parse(readFileSync(file, 'utf8')) as ChartDefaults;
}

export interface ClaimPlan {
  claim: string;
  size: string;
  uid: number;
}

/** Every claim the chart's defaults make in a release, with its size and the user its data belongs to. */
export function defaultClaims(v = readChartDefaults(), release = RELEASE): ClaimPlan[] {
  const nats = Array.from({ length: v.nats.replicas }, (_, i) => ({ claim: `data-${release}-nats-${i}`, size: v.nats.storage.size, uid: NATS_UID }));
  const pg = Array.from({ length: v.dataLayer.postgres.cluster.instances }, (_, i) => ({
    claim: `${clusterName(release)}-${i + 1}`,
    size: v.dataLayer.postgres.cluster.storage.size,
    uid: POSTGRES_UID,
  }));
  const redis = Array.from({ length: v.dataLayer.redis.sentinel.replicas }, (_, i) => ({
    claim: `data-${redisName(release)}-redis-${i}`,
    size: v.dataLayer.redis.sentinel.storage.size,
    uid: REDIS_UID,
  }));
  return [...nats, ...pg, ...redis];
}

export function buildDefaultsPrerequisites(credentials: Credentials, hostDir: string, v = readChartDefaults(), namespace = NAMESPACE, release = RELEASE): Json[] {
  return [
    buildNamespace(namespace),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: v.jwt.secretName, namespace },
      type: 'Opaque',
      stringData: { [v.jwt.key]: credentials.jwtKeyPem },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: DEFAULT_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    },
    ...defaultClaims(v, release).map((p) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${namespace}-${p.claim}`, labels: { 'app.kubernetes.io/part-of': 'converge-standin' } },
      spec: {
        storageClassName: DEFAULT_CLASS,
        capacity: { storage: p.size },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: join(hostDir, p.claim), type: 'Directory' },
        claimRef: { namespace, name: p.claim },
      },
    })),
  ];
}

/** startChartOnNode's options for the chart's defaults (values-node-defaults.yaml: images only). */
export function chartDefaults(): ChartOnNodeOptions {
  return {
    images: ['operator'],
    standalone: {
      valuesFiles: [DEFAULTS_VALUES_FILE],
      prerequisites: (nodeDir, credentials) => {
        const hostDir = join(nodeDir, 'default-volumes');
        for (const p of defaultClaims()) {
          const d = join(hostDir, p.claim);
          mkdirSync(d, { recursive: true, mode: 0o700 });
          chownSync(d, p.uid, p.uid);
        }
        return buildDefaultsPrerequisites(credentials, hostDir);
      },
    },
  };
}
