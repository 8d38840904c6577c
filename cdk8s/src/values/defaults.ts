// The chart's values.yaml, as data. values.schema.json (schema.ts) describes the same tree; a test
// checks that every key here is in the schema and that the schema accepts these defaults.

/** Per-process knobs shared by user, chat and web. */
function processValues(repository: string, cpu: string, memory: string, memoryLimit: string) {
  return {
    image: { repository, tag: '' },
    replicas: 2,
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
    // Ephemeral storage: /tmp (an emptyDir of at most 64Mi) and the container's logs; a pod that fills
    // the node's disk is evicted alone instead of taking the node down.
    resources: {
      requests: { cpu, memory, 'ephemeral-storage': '64Mi' },
      limits: { memory: memoryLimit, 'ephemeral-storage': '256Mi' },
    },
    // Env vars of the operator's own, after the chart's (a changed one rolls the pods out).
    extraEnv: [] as Record<string, unknown>[],
  };
}

export const defaultValues = {
  image: { registry: 'ghcr.io/converge-chat', tag: '0.1.0', pullPolicy: 'IfNotPresent', pullSecrets: [] as string[] },
  user: processValues('converge-user', '100m', '256Mi', '512Mi'),
  chat: processValues('converge-chat', '200m', '256Mi', '512Mi'),
  web: processValues('converge-web', '50m', '96Mi', '192Mi'),
  logLevel: 'info',
  shutdownTimeoutMs: 25000,
  preStopSleepSeconds: 5,
  clusterDomain: 'cluster.local',
  ingress: {
    enabled: true,
    className: 'nginx',
    host: 'converge.example.com',
    // WebSockets live for hours; Socket.IO's polling fallback needs the same pod for a session.
    annotations: {
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-body-size': '1m',
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/session-cookie-name': 'converge-route',
    } as Record<string, string>,
    tls: { enabled: false, secretName: 'converge-tls' },
    // Addresses (or CIDRs) of the Ingress controller's pods, the only proxies whose X-Forwarded-For
    // the processes believe (besides 127.0.0.1/::1); clients' IPs key the rate limits. The default is
    // the private ranges pod networks use: with networkPolicy.enabled only the ingress namespace
    // reaches the public ports, so that means the controller. Narrow it to the pod CIDR (or empty
    // for no proxy at all) when NetworkPolicies are off or other pods could reach the services.
    trustedProxies: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as string[],
  },
  jwt: {
    secretName: 'converge-jwt',
    key: 'signing-key.pem',
    previousKey: '',
    issuer: 'converge',
    audience: 'converge',
  },
  // Where PostgreSQL and Redis come from. `operator` (the default): the chart runs the Converge
  // operator, a PostgresCluster `<release>-pg` and a RedisSentinel `<release>-redis` for the services;
  // `external`: yours (postgres.external, redis.external). Each part may choose for itself.
  dataLayer: {
    mode: 'operator',
    postgres: {
      // '' follows dataLayer.mode; `external` or `operator` decides for PostgreSQL alone.
      mode: '',
      // The PostgresCluster `<release>-pg` (operator mode only): databases converge_user and converge_chat.
      cluster: {
        instances: 3,
        storage: { size: '10Gi', storageClass: '' },
        resources: {
          requests: { cpu: '100m', memory: '256Mi' },
          limits: { cpu: '2', memory: '1Gi' },
        },
        parameters: {} as Record<string, string>,
        synchronous: { mode: 'quorum', number: 1 },
        failoverDelaySeconds: 2,
      },
    },
    redis: {
      // '' follows dataLayer.mode; `external` or `operator` decides for Redis alone.
      mode: '',
      // The RedisSentinel `<release>-redis` (operator mode only): a master, its replicas, the Sentinels.
      sentinel: {
        replicas: 3,
        sentinels: 3,
        quorum: 2,
        masterName: 'converge',
        storage: { size: '1Gi', storageClass: '' },
        resources: {
          redis: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          sentinel: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        },
        downAfterMilliseconds: 5000,
        failoverTimeoutMilliseconds: 10000,
      },
    },
  },
  postgres: {
    external: {
      host: 'postgres.example.internal',
      port: 5432,
      username: 'converge',
      userDatabase: 'converge_user',
      chatDatabase: 'converge_chat',
      params: '',
    },
    passwordSecret: { name: 'converge-postgres', key: 'password' },
    poolSize: 10,
  },
  redis: {
    external: { url: 'redis://redis.example.internal:6379', sentinels: [] as string[], masterName: 'mymaster' },
    // Empty name: the chart generates `<release>-redis-auth` (set your Redis's password from it).
    passwordSecret: { name: '', key: 'password' },
    allowNoAuth: false,
  },
  nats: {
    // Clients log in as this user; empty Secret name: the chart generates `<release>-nats-auth`.
    auth: { user: 'converge', passwordSecret: { name: '', key: 'password' } },
    replicas: 3,
    image: { repository: 'docker.io/library/nats', tag: '2.10.22' },
    storage: { size: '10Gi', storageClassName: '' },
    jetstream: { maxFileStore: '8G', maxMemoryStore: '256M' },
    resources: {
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '32Mi' },
      limits: { memory: '512Mi', 'ephemeral-storage': '128Mi' },
    },
  },
  // The Converge operator: rendered only when some part of the data layer is in operator mode.
  operator: {
    image: { repository: 'converge-operator', tag: '' },
    // The PostgreSQL image with the instance agent, for the instance pods (POSTGRES_IMAGE).
    postgresImage: { repository: 'converge-postgres', tag: '' },
    // The Redis image (redis-server and redis-sentinel) of the RedisSentinel's pods (its spec.image).
    redisImage: { repository: 'converge-redis', tag: '' },
    // Two: one leads (the Lease `<release>-operator`), the other takes over within the lease time.
    replicas: 2,
    resources: {
      requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '32Mi' },
      limits: { memory: '256Mi', 'ephemeral-storage': '128Mi' },
    },
    // '' means logLevel.
    logLevel: '',
  },
  otel: { endpoint: '' },
  metrics: {
    podAnnotations: true,
    serviceMonitor: { enabled: true, interval: '30s', labels: {} as Record<string, string> },
  },
  // What to look at and what to be woken by (observability/dashboards and observability/rules).
  observability: {
    // One ConfigMap per dashboard, for the Grafana sidecar (kube-prometheus-stack's defaults: this
    // label, every namespace searched). On by default like the ServiceMonitor: where no sidecar
    // watches, they are three inert ConfigMaps.
    dashboards: {
      enabled: true,
      sidecarLabel: 'grafana_dashboard',
      sidecarLabelValue: '1',
      // The annotation the sidecar reads the folder from (its folderAnnotation); empty folder: none.
      folderAnnotation: 'grafana_folder',
      folder: '',
    },
    // The recording rules and alerts as one PrometheusRule, created only when the cluster serves the CRD.
    prometheusRule: {
      enabled: true,
      labels: {} as Record<string, string>,
      // Where the repository is browsed (e.g. https://github.com/<org>/converge/blob/v0.1.0): each
      // alert's runbook_url becomes <base>/observability/RUNBOOK.md#<alert>; empty keeps the relative path.
      runbookBaseUrl: '',
    },
  },
  networkPolicy: {
    enabled: true,
    ingressNamespace: 'ingress-nginx',
    monitoringNamespace: 'monitoring',
    // Egress of user and chat beyond the chart's own pods: PostgreSQL (postgres.external.port, in
    // external mode), these Redis/Sentinel ports and the OTLP ports, to any address (a data layer
    // outside the chart lives at addresses it does not know); everything else is denied. Only the
    // operator reaches the Kubernetes API, on apiServerPorts (443 through the kubernetes Service,
    // 6443 where policies see the API server's own port after the Service's DNAT).
    egress: {
      redisPorts: [6379, 26379] as number[],
      otlpPorts: [4317, 4318] as number[],
      apiServerPorts: [443, 6443] as number[],
    },
  },
};

export type Values = typeof defaultValues;

/** Dotted paths of every leaf and map in Values, so a template reference cannot name a missing key. */
type Paths<T, P extends string = ''> = T extends readonly unknown[]
  ? never
  : T extends object
    ? { [K in keyof T & string]: `${P}${K}` | Paths<T[K], `${P}${K}.`> }[keyof T & string]
    : never;
export type ValuePath = Paths<Values>;
