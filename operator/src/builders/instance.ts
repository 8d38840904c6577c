import type { PostgresCluster } from '../api/postgres-cluster';
import { AGENT_PORT } from '../agent/protocol';
import { LABEL_CLUSTER, LABEL_INSTANCE, clusterLabels, instanceLabels, names } from './names';
import { ownedMeta } from './owner';

export const POSTGRES_UID = 10232; // the image's postgres user (hack/images/postgres)
export const DATA_DIR = '/var/lib/postgresql/data';
export const AGENT_MAIN = '/app/operator/dist/src/agent/main.js';

export interface InstanceDefaults {
  /** The PostgreSQL image with the agent, when the spec names none. */
  image: string;
}

/** One instance's volume claim, named as the instance: its data outlives the pod. */
export function buildInstancePvc(c: PostgresCluster, instance: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: ownedMeta(c, instance, { ...clusterLabels(c.metadata.name), [LABEL_INSTANCE]: instance }),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: c.spec.storage.size } },
      ...(c.spec.storage.storageClass ? { storageClassName: c.spec.storage.storageClass } : {}),
    },
  };
}

const secretVolume = (name: string, secretName: string) => ({ name, secret: { secretName, defaultMode: 0o440 } });

/**
 * One instance's pod: the agent as PID 1 (it runs postgres as its child), restricted security, data on
 * the instance's claim. Pods are created once and never re-applied (their spec is immutable); only the
 * role label moves (the controller patches it).
 */
export function buildInstancePod(
  c: PostgresCluster,
  instance: string,
  role: 'primary' | 'replica',
  defaults: InstanceDefaults,
): Record<string, unknown> {
  const cluster = c.metadata.name;
  const n = names(cluster);
  const secretsDir = '/etc/converge/secrets';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: ownedMeta(c, instance, instanceLabels(cluster, instance, role)),
    spec: {
      hostname: instance,
      subdomain: n.headless,
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: POSTGRES_UID,
        runAsGroup: POSTGRES_UID,
        fsGroup: POSTGRES_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: {
        podAntiAffinity: {
          // Preferred: a one-node cluster still runs; a real one spreads the instances over nodes.
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { [LABEL_CLUSTER]: cluster } } },
            },
          ],
        },
      },
      containers: [
        {
          name: 'postgres',
          image: c.spec.image ?? defaults.image,
          ...(c.spec.imagePullPolicy ? { imagePullPolicy: c.spec.imagePullPolicy } : {}),
          // tini reaps what a crashed postmaster leaves behind; the agent is its one child and gets the signals.
          command: ['tini', '--', 'node', AGENT_MAIN],
          env: [
            { name: 'INSTANCE_NAME', value: instance },
            { name: 'CLUSTER_NAME', value: cluster },
            { name: 'PGDATA', value: `${DATA_DIR}/pgdata` },
            { name: 'PGPORT', value: '5432' },
            { name: 'AGENT_PORT', value: String(AGENT_PORT) },
            { name: 'SECRETS_DIR', value: secretsDir },
            { name: 'CONFIG_FILE', value: '/etc/converge/config/postgresql.json' },
            { name: 'NODE_ENV', value: 'production' },
          ],
          ports: [
            { name: 'postgres', containerPort: 5432, protocol: 'TCP' },
            { name: 'agent', containerPort: AGENT_PORT, protocol: 'TCP' },
          ],
          readinessProbe: { httpGet: { path: '/readyz', port: 'agent' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 1 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'agent' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
          resources: c.spec.resources ?? {},
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'data', mountPath: DATA_DIR },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'config', mountPath: '/etc/converge/config', readOnly: true },
            ...(['superuser', 'replication', 'app', 'agent'] as const).map((k) => ({ name: `secret-${k}`, mountPath: `${secretsDir}/${k}`, readOnly: true })),
          ],
        },
      ],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: instance } },
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
        { name: 'config', configMap: { name: n.config } },
        secretVolume('secret-superuser', n.superuser),
        secretVolume('secret-replication', n.replication),
        secretVolume('secret-app', n.app),
        secretVolume('secret-agent', n.agent),
      ],
    },
  };
}
