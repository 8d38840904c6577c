import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { eachItem, expr, exprNumber, renderOnlyIf, when, whenItem } from '../helm/expr';
import type { ValuePath } from '../values/defaults';
import { v, value, valueNumber, valueString } from '../values/refs';
import { labels, releaseName, selectorLabels } from './naming';
import { APP_UID, containerSecurityContext, podSecurityContext, topologySpread } from './pod-security';

type Json = Record<string, unknown>;

/**
 * Every process serves /metrics on this port (METRICS_PORT), apart from its public one: the Service
 * names it `metrics` for the ServiceMonitor, the Ingress routes only `http`, and the NetworkPolicies
 * let only the monitoring namespace reach it.
 */
export const METRICS_PORT = 9464;

export interface ConvergeProcessProps {
  /** Which process; names its values block (`.Values.<component>`) and its objects. */
  readonly component: 'user' | 'chat' | 'web';
  /** Container and Service port (the process's PORT). */
  readonly port: number;
  /** Command run from the image's working directory, e.g. `['node', 'dist/src/main.js']`. */
  readonly command: readonly string[];
  /** Env vars beyond the ones every process gets (HOST, PORT, LOG_LEVEL, drain, OTel). */
  readonly env?: readonly Json[];
  /**
   * Migrations run as an init container with the same image and env: every pod waits for them, and
   * the services take an advisory lock so concurrent pods run them once.
   * @default no init container
   */
  readonly migrateCommand?: readonly string[];
  /** Extra volumes and their mounts in the main container. @default none */
  readonly volumes?: readonly Json[];
  readonly volumeMounts?: readonly Json[];
}

/**
 * One Converge process: Deployment (hardened, probed, drained), ClusterIP Service, CPU HPA and PDB.
 * Every number and name that operators tune comes from `.Values.<component>`.
 */
export class ConvergeProcess extends Construct {
  /** Name of the Service (for Ingress backends and NetworkPolicies). */
  readonly serviceName: string;
  readonly selector: Record<string, string>;
  readonly port: number;

  constructor(scope: Construct, id: string, props: ConvergeProcessProps) {
    super(scope, id);
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
      throw new Error(`ConvergeProcess ${id}: port must be 1..65535, got ${props.port}`);
    }
    if (props.command.length === 0) throw new Error(`ConvergeProcess ${id}: command must not be empty`);
    const c = props.component;
    const p = (rest: string) => `${c}.${rest}` as ValuePath;
    this.serviceName = releaseName(c);
    this.selector = selectorLabels(c);
    this.port = props.port;

    const env: Json[] = [
      { name: 'HOST', value: '0.0.0.0' },
      { name: 'PORT', value: String(props.port) },
      { name: 'METRICS_PORT', value: String(METRICS_PORT) },
      // This host's loopback and the Ingress controller, no one else, may name the client's address.
      { name: 'TRUST_PROXY', value: expr(`concat (list "127.0.0.1" "::1") ${v('ingress.trustedProxies')} | join ", " | toJson`) },
      // HSTS only when the Ingress terminates TLS; browsers then never try plain HTTP again.
      whenItem(v('ingress.tls.enabled'), { name: 'HSTS_MAX_AGE_SECONDS', value: '31536000' }),
      { name: 'LOG_LEVEL', value: value('logLevel') },
      { name: 'SHUTDOWN_TIMEOUT_MS', value: valueString('shutdownTimeoutMs') },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'OTEL_SERVICE_NAME', value: c },
      // Read by the OpenTelemetry SDK itself: traces carry the pod, namespace and version.
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value: `k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.version=${expr('.Chart.AppVersion')}`,
      },
      whenItem(v('otel.endpoint'), { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: value('otel.endpoint') }),
      ...(props.env ?? []),
      // The operator's own variables (values `<component>.extraEnv`), last.
      eachItem(v(p('extraEnv'))),
    ];
    const image = expr(`include "converge.image" (list . ${v(p('image'))}) | toJson`);
    const securityContext = containerSecurityContext(APP_UID);
    const resources = value(p('resources'));
    const tmp = { name: 'tmp', mountPath: '/tmp' };

    const container: Json = {
      name: c,
      image,
      imagePullPolicy: value('image.pullPolicy'),
      command: [...props.command],
      env,
      ports: [
        { name: 'http', containerPort: props.port, protocol: 'TCP' },
        { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
      ],
      resources,
      securityContext,
      volumeMounts: [tmp, ...(props.volumeMounts ?? [])],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
      startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
      // Endpoints controllers and ingress controllers need a moment to stop sending traffic here; the
      // process starts draining (readiness 503, listener closed) only after this pause.
      lifecycle: { preStop: { exec: { command: ['sleep', valueString('preStopSleepSeconds')] } } },
    };
    const initContainers = props.migrateCommand
      ? [{ name: 'migrate', image, imagePullPolicy: value('image.pullPolicy'), command: [...props.migrateCommand], env, resources, securityContext, volumeMounts: [tmp] }]
      : undefined;

    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.serviceName, labels: labels(c) },
      spec: {
        // With the HPA on, replicas is left out so an upgrade never resets what the HPA chose.
        [when(`not ${v(p('autoscaling.enabled'))}`, 'replicas')]: valueNumber(p('replicas')),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        template: {
          metadata: {
            labels: { ...labels(c), ...this.selector },
            annotations: {
              'kubectl.kubernetes.io/default-container': c,
              [when(v('metrics.podAnnotations'), 'prometheus.io/scrape')]: 'true',
              [when(v('metrics.podAnnotations'), 'prometheus.io/port')]: String(METRICS_PORT),
              [when(v('metrics.podAnnotations'), 'prometheus.io/path')]: '/metrics',
            },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            imagePullSecrets: expr('include "converge.pullSecrets" .'),
            securityContext: podSecurityContext(APP_UID),
            terminationGracePeriodSeconds: exprNumber('include "converge.terminationGracePeriodSeconds" .'),
            topologySpreadConstraints: topologySpread(this.selector, true),
            initContainers,
            containers: [container],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, ...(props.volumes ?? [])],
          },
        },
      },
    });

    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.serviceName, labels: labels(c) },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [
          { name: 'http', port: props.port, targetPort: 'http', protocol: 'TCP' },
          { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
        ],
      },
    });

    const hpa = new ApiObject(this, 'hpa', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: this.serviceName, labels: labels(c) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.serviceName },
        minReplicas: valueNumber(p('autoscaling.minReplicas')),
        maxReplicas: valueNumber(p('autoscaling.maxReplicas')),
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: valueNumber(p('autoscaling.targetCPUUtilizationPercentage')) } },
          },
        ],
      },
    });
    renderOnlyIf(hpa, v(p('autoscaling.enabled')));

    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.serviceName, labels: labels(c) },
      spec: { maxUnavailable: 1, selector: { matchLabels: this.selector } },
    });
  }
}
