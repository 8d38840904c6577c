// What `helm install` of the chart on the real node needs first, derived from the values file
// (hack/kube/values-node.yaml) so names are decided once: the namespace (restricted Pod Security, which
// the chart and the stand-ins meet), the Secrets the values name, static PersistentVolumes for the
// NATS servers (the node has no provisioner) and the stand-in PostgreSQL and Redis. Pure builders.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '@converge/testing/kube';
import { buildStandinPostgres, buildStandinRedis } from './standin-data';

type Json = Record<string, any>;

export const VALUES_FILE = join(REPO, 'hack', 'kube', 'values-node.yaml');
export const NAMESPACE = 'converge';
export const RELEASE = 'converge';
/** The NATS image's user (hack/images/nats): hostPath volumes are not re-owned by the kubelet. */
export const NATS_UID = 10222;

/** The part of values-node.yaml the prerequisites depend on. */
export interface NodeValues {
  jwt: { secretName: string; key: string };
  postgres: {
    external: { host: string; username: string; userDatabase: string; chatDatabase: string };
    passwordSecret: { name: string; key: string };
  };
  redis: { passwordSecret: { name: string; key: string } };
  nats: { replicas: number; storage: { size: string; storageClassName: string } };
}

export function readNodeValues(file = VALUES_FILE): NodeValues {
  return parse(readFileSync(file, 'utf8')) as NodeValues;
}

/** Fresh credentials for one cluster: never written to the repository or a log. */
export interface Credentials {
  jwtKeyPem: string;
  postgresPassword: string;
  redisPassword: string;
}

export function newCredentials(): Credentials {
  return {
    jwtKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    postgresPassword: randomBytes(18).toString('base64url'),
    redisPassword: randomBytes(18).toString('base64url'),
  };
}

export interface PrereqProps {
  values: NodeValues;
  credentials: Credentials;
  /** Host directory holding one directory per NATS server (made and owned by the caller). */
  natsHostDir: string;
  images: { postgres: string; redis: string };
  /** false when the operator runs PostgreSQL (values-node-operator.yaml): no stand-in pod. @default true */
  standinPostgres?: boolean;
  /** false when the operator runs Redis with Sentinel (values-node-redis.yaml). @default true */
  standinRedis?: boolean;
  namespace?: string;
  release?: string;
}

export function buildNamespace(name: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
    },
  };
}

export function buildSecrets(values: NodeValues, c: Credentials, namespace: string): Json[] {
  const secret = (name: string, key: string, value: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    stringData: { [key]: value },
  });
  const secrets = [
    secret(values.jwt.secretName, values.jwt.key, c.jwtKeyPem),
    secret(values.postgres.passwordSecret.name, values.postgres.passwordSecret.key, c.postgresPassword),
    secret(values.redis.passwordSecret.name, values.redis.passwordSecret.key, c.redisPassword),
  ];
  const names = secrets.map((s) => s.metadata.name);
  if (new Set(names).size !== names.length) throw new Error(`buildSecrets: the values name one Secret twice: ${names.join(', ')}`);
  return secrets;
}

/** The host directory of NATS server `i` (its PersistentVolume's hostPath). */
export const natsVolumeDir = (hostDir: string, i: number): string => join(hostDir, `nats-${i}`);

/**
 * A StorageClass without a provisioner and one hostPath PersistentVolume per NATS server, each bound
 * ahead (claimRef) to the claim the StatefulSet will make (`data-<release>-nats-<i>`), so server i
 * always gets volume i.
 */
export function buildNatsVolumes(values: NodeValues, hostDir: string, namespace: string, release: string): Json[] {
  const { size, storageClassName } = values.nats.storage;
  if (!storageClassName) throw new Error('buildNatsVolumes: nats.storage.storageClassName must be set (the node has no default class)');
  const volumes = Array.from({ length: values.nats.replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${namespace}-${release}-nats-${i}`, labels: { 'app.kubernetes.io/part-of': 'converge-standin' } },
    spec: {
      storageClassName,
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: natsVolumeDir(hostDir, i), type: 'Directory' },
      claimRef: { namespace, name: `data-${release}-nats-${i}` },
    },
  }));
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: storageClassName },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    },
    ...volumes,
  ];
}

/** Everything to apply before `helm install`, in order. */
export function buildPrerequisites(p: PrereqProps): Json[] {
  const namespace = p.namespace ?? NAMESPACE;
  const release = p.release ?? RELEASE;
  const pg = p.values.postgres;
  const standinPostgres = p.standinPostgres ?? true;
  if (standinPostgres && pg.external.host !== 'standin-postgres') throw new Error(`postgres.external.host must be the stand-in's Service, got ${pg.external.host}`);
  return [
    buildNamespace(namespace),
    ...buildSecrets(p.values, p.credentials, namespace),
    ...buildNatsVolumes(p.values, p.natsHostDir, namespace, release),
    ...(standinPostgres
      ? buildStandinPostgres({
          namespace,
          image: p.images.postgres,
          username: pg.external.username,
          databases: [pg.external.userDatabase, pg.external.chatDatabase],
          passwordSecret: pg.passwordSecret,
        })
      : []),
    ...(p.standinRedis ?? true ? buildStandinRedis({ namespace, image: p.images.redis, passwordSecret: p.values.redis.passwordSecret }) : []),
  ];
}
