import { ALLOWED_PARAMETERS } from '@converge/operator';
import { bool, int, obj, oneOf, quantity, str, stringList, stringMap, type Schema } from './schema-builders';

const dns1123 = { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const natsSize = { pattern: '^[0-9]+[KMGT]B?$' };
// Kubernetes' syntax of label (and annotation) keys and label values.
const labelKey = { pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' };
const labelValue = { pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$' };
const secretName = (d: string) => str(d, dns1123);
const envVar: Schema = {
  type: 'object',
  description: 'A container env var: name and value, or name and valueFrom (a Secret or ConfigMap key, a field).',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: str('Variable name.', { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    value: str('Its value (a string: quote numbers and booleans).'),
    valueFrom: { type: 'object', description: 'Where Kubernetes reads the value from (secretKeyRef, configMapKeyRef, fieldRef).' },
  },
  oneOf: [{ required: ['value'] }, { required: ['valueFrom'] }],
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const DATA_LAYER_MODES = ['external', 'operator'];
const ports = (description: string): Schema => ({ type: 'array', description, items: int('TCP port.', 1, 65535) });

/** dataLayer.postgres.cluster: the PostgresCluster's spec (the CRD checks the same, and more). */
const postgresClusterSchema = obj('The PostgresCluster `<release>-pg` the operator runs (operator mode).', {
  instances: int('PostgreSQL instances: one primary, the rest synchronous or asynchronous replicas.', 1, 9),
  storage: obj('One PersistentVolumeClaim per instance.', {
    size: quantity('Size of each claim.'),
    storageClass: str('StorageClass; empty for the cluster default.'),
  }),
  resources: obj('Resources of each instance pod (the agent and postgres).', {
    requests: obj('Requests.', { cpu: quantity('CPU request.'), memory: quantity('Memory request.') }),
    limits: obj('Limits.', { cpu: quantity('CPU limit.'), memory: quantity('Memory limit (shared_buffers and work_mem must fit).') }),
  }),
  parameters: {
    type: 'object',
    description: `PostgreSQL parameters, from the operator's allow-list: ${ALLOWED_PARAMETERS.join(', ')}.`,
    additionalProperties: { type: 'string' },
    propertyNames: { enum: [...ALLOWED_PARAMETERS] },
  },
  synchronous: obj('Synchronous replication (with instances >= 2): a commit, and so a chat ack, waits for `number` replicas.', {
    mode: oneOf('quorum: ANY number of the replicas confirm each commit (RPO 0); off: asynchronous.', ['quorum', 'off']),
    number: int('Replicas each commit waits for (below instances).', 1, 8),
  }),
  failoverDelaySeconds: int('How long the primary may fail its checks before a replica is promoted.', 0, 300),
});

/** dataLayer.redis.sentinel: the RedisSentinel's spec (the CRD checks the same). */
const sentinelResources = (what: string) =>
  obj(`Resources of each ${what} container.`, {
    requests: obj('Requests.', { cpu: quantity('CPU request.'), memory: quantity('Memory request.') }),
    limits: obj('Limits.', { cpu: quantity('CPU limit.'), memory: quantity('Memory limit.') }),
  });
const redisSentinelSchema = obj('The RedisSentinel `<release>-redis` the operator runs (operator mode).', {
  replicas: int('Redis pods: one master, the rest its replicas.', 1, 9),
  sentinels: int('Sentinel pods; a failover needs a majority of them.', 1, 9),
  quorum: int('Sentinels that must see the master down before a failover starts (at most sentinels).', 1, 9),
  masterName: str("The name Sentinel monitors the master under (the services' REDIS_MASTER_NAME).", { pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
  storage: obj('One PersistentVolumeClaim per Redis pod (the append-only file).', {
    size: quantity('Size of each claim.'),
    storageClass: str('StorageClass; empty for the cluster default.'),
  }),
  resources: obj('Container resources.', { redis: sentinelResources('Redis'), sentinel: sentinelResources('Sentinel') }),
  downAfterMilliseconds: int('How long an unanswering master takes to count as down (Sentinel down-after-milliseconds).', 100, 600000),
  failoverTimeoutMilliseconds: int("Sentinel's failover-timeout; a failed election is retried after twice this.", 1000, 3600000),
});

const imageSchema = (description: string): Schema =>
  obj(description, {
    repository: str('Repository under image.registry (or a full reference when image.registry is empty).', { minLength: 1 }),
    tag: str('Tag; empty means image.tag.'),
  });

function processSchema(name: string): Schema {
  return obj(`The ${name} process.`, {
    image: imageSchema('Image of this process.'),
    replicas: int('Replicas when autoscaling is off.', 1),
    autoscaling: obj('HorizontalPodAutoscaler on CPU.', {
      enabled: bool('Create the HPA (the Deployment then leaves replicas to it).'),
      minReplicas: int('Lower bound.', 1),
      maxReplicas: int('Upper bound.', 1),
      targetCPUUtilizationPercentage: int('Average CPU utilisation (% of requests) to aim for.', 1, 100),
    }),
    resources: obj('Container resources (requests drive the HPA and scheduling).', {
      requests: obj('Requests.', {
        cpu: quantity('CPU request.'),
        memory: quantity('Memory request.'),
        'ephemeral-storage': quantity('Ephemeral storage request (/tmp and logs).'),
      }),
      limits: obj(
        'Limits. No CPU limit on purpose: CFS throttling stalls the event loop (latency spikes, missed ' +
          'Socket.IO pings) more than a noisy neighbour costs; requests already share CPU fairly. ' +
          "kube-score's CPU-limit check is turned off for this alone (--ignore-container-cpu-limit).",
        {
          memory: quantity('Memory limit.'),
          'ephemeral-storage': quantity('Ephemeral storage limit (the pod is evicted beyond it).'),
        },
      ),
    }),
    extraEnv: {
      type: 'array',
      description:
        "Extra env vars of this process's containers (main and migrations), after the chart's own; a name " +
        'the chart already sets must not be repeated. Changing them rolls the pods out.',
      items: envVar,
    },
  });
}

/** values.schema.json of charts/converge. */
export const valuesSchema: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'converge chart values',
  ...obj('Values of the converge chart.', {
    image: obj('Images of the Converge processes.', {
      registry: str('Registry (and path) prefixed to each repository; empty for full references.'),
      tag: str('Default tag of every Converge image.', { minLength: 1 }),
      pullPolicy: oneOf(
        'imagePullPolicy. IfNotPresent by default, on purpose: tags are pinned releases, and a pod restart ' +
          "must not depend on the registry being up. kube-score's container-image-pull-policy check is " +
          'ignored for this; choose Always where pull-secret checks on every start matter more.',
        ['Always', 'IfNotPresent', 'Never'],
      ),
      pullSecrets: stringList('Names of image pull Secrets.', str('Secret name.', dns1123)),
    }),
    user: processSchema('user service'),
    chat: processSchema('chat service'),
    web: processSchema('web client server'),
    logLevel: oneOf('LOG_LEVEL of every process.', LOG_LEVELS),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS: longest drain after SIGTERM; the grace period is longer.', 100, 600000),
    preStopSleepSeconds: int('Pause before SIGTERM so endpoints are removed first.', 0, 60),
    clusterDomain: str('Cluster DNS domain (NATS route host names).', { minLength: 1 }),
    ingress: obj('The one Ingress (web app and APIs).', {
      enabled: bool('Create the Ingress.'),
      className: str('ingressClassName; empty for the cluster default.'),
      host: str('Public host name.', { minLength: 1 }),
      annotations: stringMap('Annotations (defaults suit ingress-nginx and WebSockets).'),
      tls: obj('TLS (on: the processes also send Strict-Transport-Security).', {
        enabled: bool('Serve TLS.'),
        secretName: secretName('Secret of type kubernetes.io/tls.'),
      }),
      trustedProxies: stringList(
        "The Ingress controller's addresses/CIDRs, trusted to set X-Forwarded-For (with 127.0.0.1 and ::1): TRUST_PROXY.",
        str('An address or CIDR.', { pattern: '^[0-9a-fA-F.:]+(/[0-9]{1,3})?$' }),
      ),
    }),
    jwt: obj('Access-token signing (the key never sits in values).', {
      secretName: secretName('Secret holding the Ed25519 PEM key(s).'),
      key: str('Key in that Secret of the current signing key.', { minLength: 1 }),
      previousKey: str('Key of the previous signing key during a rotation; empty when none.'),
      issuer: str('JWT_ISSUER.', { minLength: 1 }),
      audience: str('JWT_AUDIENCE.', { minLength: 1 }),
    }),
    dataLayer: obj('Where PostgreSQL and Redis come from.', {
      mode: oneOf(
        'operator (the default): the chart runs the Converge operator, a PostgresCluster and a RedisSentinel; ' +
          'external: bring your own (postgres.external, redis.external).',
        DATA_LAYER_MODES,
      ),
      postgres: obj("PostgreSQL's mode and, in operator mode, its cluster.", {
        mode: oneOf("'' follows dataLayer.mode; external or operator decides for PostgreSQL alone.", ['', ...DATA_LAYER_MODES]),
        cluster: postgresClusterSchema,
      }),
      redis: obj("Redis's mode and, in operator mode, its Sentinel set.", {
        mode: oneOf("'' follows dataLayer.mode; external or operator decides for Redis alone.", ['', ...DATA_LAYER_MODES]),
        sentinel: redisSentinelSchema,
      }),
    }),
    postgres: obj('PostgreSQL: where it is when external, and the pools of every mode.', {
      external: obj('A PostgreSQL you run (managed or not): the external mode.', {
        host: str('Host name.', { minLength: 1 }),
        port: int('Port.', 1, 65535),
        username: str('User name.', { minLength: 1 }),
        userDatabase: str('Database of the user service.', { minLength: 1 }),
        chatDatabase: str('Database of the chat service.', { minLength: 1 }),
        params: str('Query string added to the URL, e.g. sslmode=require.', { pattern: '^([A-Za-z0-9_]+=[^&]*(&[A-Za-z0-9_]+=[^&]*)*)?$' }),
      }),
      passwordSecret: obj("Secret with the database password (external mode; the operator's is <release>-pg-app).", {
        name: secretName('Secret name.'),
        key: str('Key in it.', { minLength: 1 }),
      }),
      poolSize: int('DATABASE_POOL_SIZE per process.', 1, 200),
    }),
    redis: obj('Redis when external (dataLayer.redis.mode); allowNoAuth in every mode.', {
      external: obj('A Redis you run: a URL, or Sentinels and a master name.', {
        url: str('REDIS_URL (used when sentinels is empty).', { pattern: '^rediss?://' }),
        sentinels: stringList('Sentinels as host:port; when set, Sentinel mode is used.', str('host:port', { pattern: '^[^:,\\s]+:[0-9]{1,5}$' })),
        masterName: str('Sentinel master name.', { minLength: 1 }),
      }),
      passwordSecret: obj("Secret with the Redis password (external mode; the operator's is <release>-redis-auth).", {
        name: str('Secret name; empty: the chart generates <release>-redis-auth (give your Redis that password).', {
          pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$',
        }),
        key: str('Key in it.', { minLength: 1 }),
      }),
      allowNoAuth: bool('REDIS_ALLOW_NO_AUTH: let the services use a Redis that needs no password (they refuse one otherwise).'),
    }),
    nats: obj('The NATS JetStream cluster the chart runs.', {
      auth: obj('Client login (the services and any other client).', {
        user: str('NATS user name.', { pattern: '^[A-Za-z0-9_-]+$' }),
        passwordSecret: obj('Secret with its password.', {
          name: str('Secret name; empty: the chart generates <release>-nats-auth.', { pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$' }),
          key: str('Key in it.', { minLength: 1 }),
        }),
      }),
      replicas: int('Cluster size (3 for JetStream quorum).', 1, 9),
      image: obj('NATS server image.', {
        repository: str('Repository.', { minLength: 1 }),
        tag: str('Tag.', { minLength: 1 }),
      }),
      storage: obj('JetStream file storage (one PVC per server).', {
        size: quantity('Size of each PVC.'),
        storageClassName: str('StorageClass; empty for the cluster default.'),
      }),
      jetstream: obj('JetStream limits.', {
        maxFileStore: str('max_file_store in NATS units (e.g. 8G; keep below storage.size).', natsSize),
        maxMemoryStore: str('max_memory_store in NATS units (e.g. 256M).', natsSize),
      }),
      resources: obj('Container resources.', {
        requests: obj('Requests.', {
          cpu: quantity('CPU request.'),
          memory: quantity('Memory request.'),
          'ephemeral-storage': quantity('Ephemeral storage request.'),
        }),
        limits: obj('Limits (no CPU limit, as for the processes).', {
          memory: quantity('Memory limit.'),
          'ephemeral-storage': quantity('Ephemeral storage limit.'),
        }),
      }),
    }),
    operator: obj('The Converge operator (a Deployment with leader election), rendered when part of the data layer is in operator mode.', {
      image: imageSchema('Image of the operator.'),
      postgresImage: imageSchema('The PostgreSQL image with the instance agent, run by the instance pods (POSTGRES_IMAGE).'),
      redisImage: imageSchema("The Redis image (redis-server and redis-sentinel) of the RedisSentinel's pods."),
      replicas: int('Replicas: one leads (the Lease <release>-operator), the others stand by.', 1, 5),
      resources: obj('Container resources.', {
        requests: obj('Requests.', {
          cpu: quantity('CPU request.'),
          memory: quantity('Memory request.'),
          'ephemeral-storage': quantity('Ephemeral storage request.'),
        }),
        limits: obj('Limits (no CPU limit, as for the processes).', {
          memory: quantity('Memory limit.'),
          'ephemeral-storage': quantity('Ephemeral storage limit.'),
        }),
      }),
      logLevel: oneOf("The operator's LOG_LEVEL; empty means logLevel.", ['', ...LOG_LEVELS]),
    }),
    otel: obj('OpenTelemetry.', { endpoint: str('OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP); empty turns export off.', { pattern: '^(https?://.+)?$' }) }),
    metrics: obj('Prometheus.', {
      podAnnotations: bool('Add prometheus.io/scrape annotations to the pods.'),
      serviceMonitor: obj('A ServiceMonitor, created only when the cluster serves monitoring.coreos.com/v1.', {
        enabled: bool('Create it when the CRD exists.'),
        interval: str('Scrape interval.', { pattern: '^[0-9]+(ms|s|m|h)$' }),
        labels: stringMap('Extra labels (e.g. the release label your Prometheus selects).'),
      }),
    }),
    observability: obj('Grafana dashboards and Prometheus rules (observability/dashboards, observability/rules).', {
      dashboards: obj('One ConfigMap per dashboard, labelled for the Grafana sidecar (kube-prometheus-stack finds them in every namespace by default).', {
        enabled: bool('Create the dashboard ConfigMaps (inert where no Grafana sidecar watches).'),
        sidecarLabel: str("The label the sidecar selects ConfigMaps by (its sidecar.dashboards.label).", labelKey),
        sidecarLabelValue: str("That label's value (its sidecar.dashboards.labelValue; a string: quote numbers).", labelValue),
        folderAnnotation: str("The annotation the sidecar reads the folder from (its sidecar.dashboards.folderAnnotation).", labelKey),
        folder: str('Grafana folder of the dashboards (the folderAnnotation value); empty: no annotation, the sidecar\'s default folder.'),
      }),
      prometheusRule: obj('The recording rules and alerts as one PrometheusRule, created only when the cluster serves monitoring.coreos.com/v1 PrometheusRule.', {
        enabled: bool('Create it when the CRD exists.'),
        labels: stringMap('Extra labels (e.g. the release label your Prometheus ruleSelector selects).'),
        runbookBaseUrl: str(
          "Where the repository is browsed (e.g. https://github.com/<org>/converge/blob/v0.1.0): each alert's runbook_url " +
            'becomes <base>/observability/RUNBOOK.md#<section>; empty keeps the repository-relative path.',
          { pattern: '^(https?://[^\\s"]+)?$' },
        ),
      }),
    }),
    networkPolicy: obj('NetworkPolicies: only what must talk does.', {
      enabled: bool('Create them.'),
      ingressNamespace: str('Namespace of the ingress controller.', dns1123),
      monitoringNamespace: str('Namespace of Prometheus.', dns1123),
      egress: obj('Egress to what lives outside the chart (any address, these ports only).', {
        redisPorts: ports('Redis and Sentinel ports (user and chat).'),
        otlpPorts: ports('OpenTelemetry collector ports, OTLP (user and chat).'),
        apiServerPorts: ports("The Kubernetes API server's ports (the operator alone): the kubernetes Service's and the server's own."),
      }),
    }),
  }),
};
