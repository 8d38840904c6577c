// The stand-in data layer of the chart on the real node: one PostgreSQL pod and one Redis pod from the
// local images, each a Deployment of 1 with a Service, probes, a numeric non-root user and a read-only
// root (data in emptyDirs). A stand-in only, until the operator of the next issues runs PostgreSQL and
// Redis with replicas and failover: nothing here survives a pod restart, and nothing needs to.
// Pure builders (no client, no clock): the fixture applies what they return.

import { containerSecurityContext, podSecurityContext } from '@converge/cdk8s/pod-security';

type Json = Record<string, any>;

/** A Secret key the stand-in reads its password from (the chart's values name the same one). */
export interface SecretKey {
  name: string;
  key: string;
}

export interface StandinPostgresProps {
  namespace: string;
  /** e.g. converge-local/postgres:15 (imported into the node, never pulled). */
  image: string;
  username: string;
  databases: string[];
  passwordSecret: SecretKey;
}

export interface StandinRedisProps {
  namespace: string;
  /** e.g. converge-local/redis:7 */
  image: string;
  passwordSecret: SecretKey;
}

// The images' users (hack/images/postgres and redis): above 10000, as the chart's own.
export const POSTGRES_UID = 10232;
export const REDIS_UID = 10233;
export const POSTGRES_SERVICE = 'standin-postgres';
export const REDIS_SERVICE = 'standin-redis';
const SECRET_DIR = '/var/run/secrets/standin';

const labelsOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'converge-standin' });

interface PodProps {
  name: string;
  namespace: string;
  uid: number;
  port: number;
  container: Json;
  /** emptyDirs: name → mount path. */
  scratch: Record<string, string>;
  passwordSecret: SecretKey;
}

function deploymentAndService(p: PodProps): Json[] {
  const labels = labelsOf(p.name);
  // The restricted Pod Security Standard, from the chart's own builders.
  const sc = { pod: podSecurityContext(p.uid), container: containerSecurityContext(p.uid) };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: p.name, namespace: p.namespace, labels },
    spec: {
      replicas: 1,
      // Never two at once: each would start an empty data directory of its own.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: sc.pod,
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: p.name.replace(/^standin-/, ''),
              imagePullPolicy: 'Never',
              ports: [{ name: 'server', containerPort: p.port, protocol: 'TCP' }],
              resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '512Mi' } },
              securityContext: sc.container,
              ...p.container,
              volumeMounts: [
                ...Object.entries(p.scratch).map(([name, mountPath]) => ({ name, mountPath })),
                { name: 'password', mountPath: SECRET_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            ...Object.keys(p.scratch).map((name) => ({ name, emptyDir: { sizeLimit: '512Mi' } })),
            { name: 'password', secret: { secretName: p.passwordSecret.name, defaultMode: 0o440 } },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: p.name, namespace: p.namespace, labels },
    spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'server', port: p.port, targetPort: 'server', protocol: 'TCP' }] },
  };
  return [deployment, service];
}

/** PostgreSQL 15: the superuser `username` with the Secret's password, the `databases` created empty. */
export function buildStandinPostgres(p: StandinPostgresProps): Json[] {
  if (p.databases.length === 0) throw new Error('buildStandinPostgres: databases must name at least one database');
  const healthcheck = { exec: { command: ['/usr/local/bin/healthcheck'] } };
  return deploymentAndService({
    name: POSTGRES_SERVICE,
    namespace: p.namespace,
    uid: POSTGRES_UID,
    port: 5432,
    passwordSecret: p.passwordSecret,
    scratch: { data: '/var/lib/postgresql/data', tmp: '/tmp' },
    container: {
      image: p.image,
      env: [
        { name: 'POSTGRES_USER', value: p.username },
        { name: 'POSTGRES_PASSWORD_FILE', value: `${SECRET_DIR}/${p.passwordSecret.key}` },
        { name: 'POSTGRES_DB', value: p.databases.join(',') },
      ],
      // initdb on a cold, loaded node takes a while: up to 2 min before liveness counts.
      startupProbe: { ...healthcheck, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 60 },
      readinessProbe: { ...healthcheck, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: 'server' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    },
  });
}

/** Redis 7, password-protected (the services refuse an open Redis with NODE_ENV=production). */
export function buildStandinRedis(p: StandinRedisProps): Json[] {
  const healthcheck = { exec: { command: ['/usr/local/bin/healthcheck'] } };
  return deploymentAndService({
    name: REDIS_SERVICE,
    namespace: p.namespace,
    uid: REDIS_UID,
    port: 6379,
    passwordSecret: p.passwordSecret,
    scratch: { data: '/data', tmp: '/tmp' },
    container: {
      image: p.image,
      args: ['server'],
      env: [{ name: 'REDIS_PASSWORD_FILE', value: `${SECRET_DIR}/${p.passwordSecret.key}` }],
      startupProbe: { ...healthcheck, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 },
      readinessProbe: { ...healthcheck, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: 'server' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    },
  });
}
