// A values file that changes every documented knob away from its default (helm-knobs.test.ts checks
// that each change shows up where it should).
const proc = (repo: string, n: number) => ({
  image: { repository: repo, tag: `${repo}-tag` },
  replicas: n,
  autoscaling: { enabled: false, minReplicas: n, maxReplicas: n + 5, targetCPUUtilizationPercentage: 55 + n },
  resources: {
    requests: { cpu: `${n}00m`, memory: `${n}00Mi`, 'ephemeral-storage': `${n}0Mi` },
    limits: { memory: `${n}Gi`, 'ephemeral-storage': `${n}00Mi` },
  },
  extraEnv: [
    { name: `${repo.toUpperCase().replace('-', '_')}_FLAG`, value: String(n) },
    { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'extra', key: repo } } },
  ],
});

export const everyKnob = {
  image: { registry: 'registry.example.org/team', tag: '9.9.9', pullPolicy: 'Always', pullSecrets: ['regcred'] },
  user: proc('u-img', 3),
  chat: proc('c-img', 4),
  web: { ...proc('w-img', 5), image: { repository: 'w-img', tag: '' }, autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 7, targetCPUUtilizationPercentage: 61 } },
  logLevel: 'debug',
  shutdownTimeoutMs: 40000,
  preStopSleepSeconds: 9,
  clusterDomain: 'corp.local',
  ingress: {
    enabled: true,
    className: 'traefik',
    host: 'chat.example.org',
    annotations: { 'example.org/ws': 'on' },
    tls: { enabled: true, secretName: 'chat-tls' },
    trustedProxies: ['10.42.0.0/16'],
  },
  jwt: { secretName: 'my-jwt', key: 'current.pem', previousKey: 'old.pem', issuer: 'iss-x', audience: 'aud-x' },
  dataLayer: { mode: 'external' },
  postgres: {
    external: { host: 'db.corp', port: 6543, username: 'app', userDatabase: 'u_db', chatDatabase: 'c_db', params: 'sslmode=require' },
    passwordSecret: { name: 'pg-secret', key: 'pw' },
    poolSize: 17,
  },
  redis: {
    external: { url: 'redis://unused:6379', sentinels: ['s1:26379', 's2:26379'], masterName: 'primary' },
    passwordSecret: { name: 'redis-secret', key: 'rpw' },
    allowNoAuth: true,
  },
  nats: {
    auth: { user: 'chatapp', passwordSecret: { name: 'nats-secret', key: 'npw' } },
    replicas: 5,
    image: { repository: 'mirror.example.org/nats', tag: '2.10.99' },
    storage: { size: '3Gi', storageClassName: 'fast-ssd' },
    jetstream: { maxFileStore: '2G', maxMemoryStore: '64M' },
    resources: { requests: { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '30Mi' }, limits: { memory: '600Mi', 'ephemeral-storage': '300Mi' } },
  },
  otel: { endpoint: 'http://otel-collector.observability:4318' },
  metrics: { podAnnotations: false, serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'kps' } } },
  observability: {
    dashboards: {
      enabled: true,
      sidecarLabel: 'grafana.example.org/dashboard',
      sidecarLabelValue: 'chat',
      folderAnnotation: 'grafana.example.org/folder',
      folder: 'Converge',
    },
    prometheusRule: { enabled: true, labels: { release: 'kps' }, runbookBaseUrl: 'https://git.example.org/converge/-/blob/v9.9.9' },
  },
  networkPolicy: { enabled: true, ingressNamespace: 'traefik-system', monitoringNamespace: 'prom' },
};

/** The data layer by the operator with every knob of the operator, its PostgresCluster and its RedisSentinel changed. */
export const everyOperatorKnob = {
  image: { registry: 'registry.example.org/team', tag: '9.9.9', pullPolicy: 'Always', pullSecrets: ['regcred'] },
  logLevel: 'warn',
  dataLayer: {
    mode: 'operator',
    postgres: {
      mode: '',
      cluster: {
        instances: 5,
        storage: { size: '50Gi', storageClass: 'fast-ssd' },
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
        parameters: { max_connections: '300', shared_buffers: '2GB' },
        synchronous: { mode: 'quorum', number: 2 },
        failoverDelaySeconds: 7,
      },
    },
    redis: {
      mode: '',
      sentinel: {
        replicas: 5,
        sentinels: 5,
        quorum: 3,
        masterName: 'chat-cache',
        storage: { size: '4Gi', storageClass: 'fast-ssd' },
        resources: {
          redis: { requests: { cpu: '300m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
          sentinel: { requests: { cpu: '30m', memory: '48Mi' }, limits: { cpu: '300m', memory: '96Mi' } },
        },
        downAfterMilliseconds: 3000,
        failoverTimeoutMilliseconds: 20000,
      },
    },
  },
  operator: {
    image: { repository: 'op-img', tag: 'op-tag' },
    postgresImage: { repository: 'pg-img', tag: 'pg-tag' },
    redisImage: { repository: 'rds-img', tag: 'rds-tag' },
    replicas: 3,
    resources: {
      requests: { cpu: '70m', memory: '150Mi', 'ephemeral-storage': '40Mi' },
      limits: { memory: '300Mi', 'ephemeral-storage': '140Mi' },
    },
    logLevel: 'debug',
  },
  networkPolicy: { enabled: true, monitoringNamespace: 'prom', egress: { apiServerPorts: [8443] } },
};
