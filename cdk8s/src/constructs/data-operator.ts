import { ApiObject, type ApiObjectProps } from 'cdk8s';
import { Construct } from 'constructs';
import { OPERATOR_ENABLED, POSTGRES_BY_OPERATOR, REDIS_BY_OPERATOR } from '../helm/data-layer-tpl';
import { expr, renderOnlyIf, when, whenItem } from '../helm/expr';
import { v, value, valueNumber } from '../values/refs';
import { labels, releaseName, selectorLabels } from './naming';
import { operatorRules } from './operator-rbac';
import { APP_UID, containerSecurityContext, podSecurityContext, topologySpread } from './pod-security';
import type { PostgresClusterResource } from './postgres-cluster';
import type { RedisSentinelResource } from './redis-sentinel';

/** The operator's METRICS_PORT: /metrics, /healthz and /readyz (operator/src/main.ts). */
export const OPERATOR_METRICS_PORT = 8080;

export interface DataOperatorProps {
  /** The PostgresCluster it runs (PostgreSQL in operator mode): the Role lets it read its agent Secret. */
  readonly postgres: PostgresClusterResource;
  /** The RedisSentinel it runs (Redis in operator mode): the Role lets it read its auth Secret. */
  readonly redis: RedisSentinelResource;
}

/**
 * The Converge operator (operator/): ServiceAccount, Role and RoleBinding (least privilege, one
 * namespace), a Deployment of `.Values.operator.replicas` that elect a leader on the Lease
 * `<release>-operator`, a Service for its metrics and a PDB. Rendered only when some part of the data
 * layer is in operator mode; the Role grants what each part in operator mode needs, no more.
 */
export class DataOperator extends Construct {
  readonly name = releaseName('operator');
  readonly selector = selectorLabels('operator');
  readonly serviceName = this.name;
  /** The Lease the replicas elect their leader on (LEASE_NAME). */
  readonly leaseName = this.name;

  constructor(scope: Construct, id: string, props: DataOperatorProps) {
    super(scope, id);
    const meta = { name: this.name, labels: labels('operator') };
    const rules = operatorRules(props.postgres.name, props.redis.name, this.leaseName);
    const objects: ApiObject[] = [];
    const add = (objId: string, body: ApiObjectProps) => objects.push(new ApiObject(this, objId, body));

    add('serviceaccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, automountServiceAccountToken: false });
    add('role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta,
      rules: [
        ...rules.common,
        ...rules.postgres.map((r) => whenItem(POSTGRES_BY_OPERATOR, r)),
        ...rules.redis.map((r) => whenItem(REDIS_BY_OPERATOR, r)),
      ],
    });
    add('rolebinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: expr('toJson .Release.Namespace') }],
    });

    const image = (path: 'operator.image' | 'operator.postgresImage' | 'operator.redisImage') => expr(`include "converge.image" (list . ${v(path)}) | toJson`);
    const field = (fieldPath: string) => ({ fieldRef: { fieldPath } });
    const container = {
      name: 'operator',
      image: image('operator.image'),
      imagePullPolicy: value('image.pullPolicy'),
      command: ['node', 'dist/src/main.js'],
      env: [
        // Its own namespace only: the Role grants nothing elsewhere.
        { name: 'WATCH_NAMESPACE', valueFrom: field('metadata.namespace') },
        // The Lease holder's identity: which replica leads shows in `kubectl get lease`.
        { name: 'POD_NAME', valueFrom: field('metadata.name') },
        { name: 'LEASE_NAME', value: this.leaseName },
        { name: 'POSTGRES_IMAGE', value: image('operator.postgresImage') },
        // The default of a RedisSentinel without spec.image; the chart's own sets it to the same image.
        { name: 'REDIS_IMAGE', value: image('operator.redisImage') },
        { name: 'METRICS_PORT', value: String(OPERATOR_METRICS_PORT) },
        { name: 'LOG_LEVEL', value: expr(`${v('operator.logLevel')} | default ${v('logLevel')} | toJson`) },
      ],
      ports: [{ name: 'metrics', containerPort: OPERATOR_METRICS_PORT, protocol: 'TCP' }],
      resources: value('operator.resources'),
      securityContext: containerSecurityContext(APP_UID),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      // Ready as soon as it serves: a standby replica is as ready as the leader (it takes over on its own).
      readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    };
    add('deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: valueNumber('operator.replicas'),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels: { ...labels('operator'), ...this.selector },
            annotations: {
              'kubectl.kubernetes.io/default-container': 'operator',
              [when(v('metrics.podAnnotations'), 'prometheus.io/scrape')]: 'true',
              [when(v('metrics.podAnnotations'), 'prometheus.io/port')]: String(OPERATOR_METRICS_PORT),
              [when(v('metrics.podAnnotations'), 'prometheus.io/path')]: '/metrics',
            },
          },
          spec: {
            serviceAccountName: this.name,
            // The one pod of the chart that talks to the Kubernetes API: its token, projected and rotated.
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            imagePullSecrets: expr('include "converge.pullSecrets" .'),
            securityContext: podSecurityContext(APP_UID),
            // SIGTERM: the passes in flight finish, the Lease is released so a standby leads at once.
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: topologySpread(this.selector, true),
            containers: [container],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
      },
    });
    add('service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'metrics', port: OPERATOR_METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }],
      },
    });
    add('pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta,
      spec: { maxUnavailable: 1, selector: { matchLabels: this.selector } },
    });
    for (const o of objects) renderOnlyIf(o, OPERATOR_ENABLED);
  }
}
