import { ownedMeta } from '../../builders/owner';
import type { RedisSentinel } from '../api/redis-sentinel';
import { REDIS_CONF_KEY, configHash } from './config-map';
import { PASSWORD_KEY } from './secret';
import { REDIS_PORT, SENTINEL_PORT, componentSelector, podHost, redisLabels, redisNames } from './names';

export const REDIS_UID = 10233; // the image's redis user (hack/images/redis)

export interface RedisDefaults {
  /** The Redis image (redis-server and redis-sentinel, the entrypoint of hack/images/redis). */
  image: string;
}

const AUTH_DIR = '/etc/converge/secrets/auth';
const CONF_DIR = '/etc/converge/redis';

const podSecurity = {
  runAsNonRoot: true,
  runAsUser: REDIS_UID,
  runAsGroup: REDIS_UID,
  fsGroup: REDIS_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};
const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

const antiAffinity = (selector: Record<string, string>) => ({
  podAntiAffinity: {
    // Preferred: a one-node cluster still runs; a real one spreads the pods over nodes.
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
    ],
  },
});

/**
 * How long a restarted master stays down waiting for the Sentinels to promote a replica: two
 * down-after windows and ten seconds for the election, well inside the liveness probe's 40 s.
 */
export const masterRestartWaitSeconds = (r: RedisSentinel): number => 2 * Math.ceil(r.spec.sentinel.downAfterMilliseconds / 1000) + 10;

const podNameEnv = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
const authVolume = (r: RedisSentinel) => ({
  name: 'auth',
  secret: { secretName: redisNames(r.metadata.name).auth, defaultMode: 0o440, items: [{ key: PASSWORD_KEY, path: PASSWORD_KEY }] },
});

/** The probe both containers share: PING with the password (the image's healthcheck, REDISCLI_AUTH). */
const probe = (port: number, o: { periodSeconds: number; failureThreshold: number }) => ({
  exec: { command: ['env', `REDIS_PORT=${port}`, '/usr/local/bin/healthcheck'] },
  timeoutSeconds: 3,
  ...o,
});

/**
 * `<name>-redis`: the Redis pods, each on its own claim. Every pod starts as an empty master and
 * announces its stable DNS name; the operator makes `-0` the master at bootstrap and points the
 * others at it, Sentinel moves the master afterwards. Parallel: no pod waits for another to start.
 */
export function buildRedisStatefulSet(r: RedisSentinel, defaults: RedisDefaults): Record<string, unknown> {
  const name = r.metadata.name;
  const ns = r.metadata.namespace;
  const n = redisNames(name);
  const selector = componentSelector(name, 'redis');
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: ownedMeta(r, n.redis, redisLabels(name, 'redis')),
    spec: {
      replicas: r.spec.replicas,
      serviceName: n.redisHeadless,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      // A replica's data is a copy of the master's: claims go with the pods.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: redisLabels(name, 'redis'), annotations: { 'data.converge.io/config-hash': configHash(r) } },
        spec: {
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: podSecurity,
          affinity: antiAffinity(selector),
          containers: [
            {
              name: 'redis',
              image: r.spec.image ?? defaults.image,
              ...(r.spec.imagePullPolicy ? { imagePullPolicy: r.spec.imagePullPolicy } : {}),
              args: [
                'server',
                '--include',
                `${CONF_DIR}/${REDIS_CONF_KEY}`,
                // Sentinel learns replicas by what they announce: the pod's DNS name, which survives a new pod IP.
                '--replica-announce-ip',
                podHost('$(POD_NAME)', n.redisHeadless, ns),
                '--replica-announce-port',
                String(REDIS_PORT),
              ],
              env: [
                podNameEnv,
                { name: 'REDIS_PORT', value: String(REDIS_PORT) },
                { name: 'REDIS_PASSWORD_FILE', value: `${AUTH_DIR}/${PASSWORD_KEY}` },
                // The entrypoint asks the Sentinels who the master is before starting: a replica starts as
                // the master's replica, and a restarted master waits for a replica to be promoted (its
                // append-only file may trail what the replicas hold).
                { name: 'SENTINEL_HEADLESS', value: `${n.sentinelHeadless}.${ns}.svc` },
                { name: 'REDIS_MASTER_NAME', value: r.spec.masterName },
                { name: 'REDIS_ANNOUNCE_HOST', value: podHost('$(POD_NAME)', n.redisHeadless, ns) },
                { name: 'MASTER_RESTART_WAIT_S', value: String(masterRestartWaitSeconds(r)) },
              ],
              ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
              readinessProbe: probe(REDIS_PORT, { periodSeconds: 2, failureThreshold: 2 }),
              livenessProbe: { ...probe(REDIS_PORT, { periodSeconds: 10, failureThreshold: 3 }), initialDelaySeconds: 10 },
              resources: r.spec.resources ?? {},
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'config', mountPath: CONF_DIR, readOnly: true },
                { name: 'auth', mountPath: AUTH_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'config', configMap: { name: n.config } },
            authVolume(r),
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: redisLabels(name, 'redis') },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: r.spec.storage.size } },
            ...(r.spec.storage.storageClass ? { storageClassName: r.spec.storage.storageClass } : {}),
          },
        },
      ],
    },
  };
}

/**
 * `<name>-sentinel`: the Sentinels, in their own StatefulSet rather than beside each Redis: their
 * count is the spec's own (3 Sentinels for 2 Redis pods is a valid set), and a Redis pod rolled or
 * OOM-killed does not take a Sentinel vote with it. Their state is on an emptyDir: a Sentinel whose
 * pod is recreated starts empty and the operator re-seeds it with the master a quorum agrees on.
 */
export function buildSentinelStatefulSet(r: RedisSentinel, defaults: RedisDefaults): Record<string, unknown> {
  const name = r.metadata.name;
  const ns = r.metadata.namespace;
  const n = redisNames(name);
  const selector = componentSelector(name, 'sentinel');
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: ownedMeta(r, n.sentinel, redisLabels(name, 'sentinel')),
    spec: {
      replicas: r.spec.sentinels,
      serviceName: n.sentinelHeadless,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: redisLabels(name, 'sentinel') },
        spec: {
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 10,
          securityContext: podSecurity,
          affinity: antiAffinity(selector),
          containers: [
            {
              name: 'sentinel',
              image: r.spec.image ?? defaults.image,
              ...(r.spec.imagePullPolicy ? { imagePullPolicy: r.spec.imagePullPolicy } : {}),
              args: ['sentinel'],
              env: [
                podNameEnv,
                { name: 'SENTINEL_PORT', value: String(SENTINEL_PORT) },
                { name: 'REDIS_MASTER_NAME', value: r.spec.masterName },
                { name: 'SENTINEL_ANNOUNCE_IP', value: podHost('$(POD_NAME)', n.sentinelHeadless, ns) },
                { name: 'REDIS_PASSWORD_FILE', value: `${AUTH_DIR}/${PASSWORD_KEY}` },
              ],
              ports: [{ name: 'sentinel', containerPort: SENTINEL_PORT, protocol: 'TCP' }],
              readinessProbe: probe(SENTINEL_PORT, { periodSeconds: 2, failureThreshold: 2 }),
              livenessProbe: { ...probe(SENTINEL_PORT, { periodSeconds: 10, failureThreshold: 3 }), initialDelaySeconds: 10 },
              resources: r.spec.sentinelResources ?? {},
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'auth', mountPath: AUTH_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: { sizeLimit: '16Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
            authVolume(r),
          ],
        },
      },
    },
  };
}
