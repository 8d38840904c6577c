import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { expr, whenItem } from '../helm/expr';
import { v, value } from '../values/refs';
import { ConvergeIngress } from '../constructs/converge-ingress';
import { ConvergeProcess } from '../constructs/converge-process';
import { GeneratedCredentials } from '../constructs/credentials';
import { DataOperator } from '../constructs/data-operator';
import { dataEnv } from '../constructs/data-endpoints';
import { NatsCluster } from '../constructs/nats-cluster';
import { NetworkPolicies } from '../constructs/network-policies';
import { releaseName } from '../constructs/naming';
import { PostgresClusterResource } from '../constructs/postgres-cluster';
import { RedisSentinelResource } from '../constructs/redis-sentinel';
import { ServiceMonitor } from '../constructs/service-monitor';
import { GrafanaDashboards } from '../constructs/grafana-dashboards';
import { PrometheusRuleResource } from '../constructs/prometheus-rule';
import { dashboardSources, ruleGroups } from './observability-sources';

export const PORTS = { user: 3000, web: 3001, chat: 3002 } as const;
const JWT_DIR = '/var/run/secrets/converge/jwt';

/** Every object of the converge chart; values reach them as template markers (see helm/expr.ts). */
export class ConvergeChart extends Chart {
  readonly user: ConvergeProcess;
  readonly chat: ConvergeProcess;
  readonly web: ConvergeProcess;
  readonly nats: NatsCluster;
  readonly postgres: PostgresClusterResource;
  readonly redis: RedisSentinelResource;
  readonly operator: DataOperator;

  constructor(scope: Construct, id: string) {
    // No namespace: `helm install -n` / `kubectl apply -n` decides it.
    super(scope, id, { disableResourceNameHashes: true });
    const jwtVerify = [
      { name: 'JWT_ISSUER', value: value('jwt.issuer') },
      { name: 'JWT_AUDIENCE', value: value('jwt.audience') },
    ];

    new GeneratedCredentials(this, 'credentials');
    this.nats = new NatsCluster(this, 'nats');
    // The operator-run data layer (dataLayer.mode, or dataLayer.postgres.mode / dataLayer.redis.mode = operator).
    this.postgres = new PostgresClusterResource(this, 'postgres');
    this.redis = new RedisSentinelResource(this, 'redis');
    this.operator = new DataOperator(this, 'operator', { postgres: this.postgres, redis: this.redis });
    this.user = new ConvergeProcess(this, 'user', {
      component: 'user',
      port: PORTS.user,
      command: ['node', 'dist/src/main.js'],
      migrateCommand: ['node', 'dist/src/migrate.js'],
      env: [
        ...dataEnv('user'),
        ...jwtVerify,
        { name: 'JWT_KEY_FILE', value: expr(`printf "${JWT_DIR}/%s" ${v('jwt.key')} | toJson`) },
        whenItem(v('jwt.previousKey'), {
          name: 'JWT_PREVIOUS_KEY_FILE',
          value: expr(`printf "${JWT_DIR}/%s" ${v('jwt.previousKey')} | toJson`),
        }),
      ],
      // The signing key is a file from a Secret the operator creates; values only name the Secret.
      volumes: [{ name: 'jwt', secret: { secretName: value('jwt.secretName'), defaultMode: 0o440 } }],
      volumeMounts: [{ name: 'jwt', mountPath: JWT_DIR, readOnly: true }],
    });
    this.chat = new ConvergeProcess(this, 'chat', {
      component: 'chat',
      port: PORTS.chat,
      command: ['node', 'dist/src/main.js'],
      migrateCommand: ['node', 'dist/src/migrate.js'],
      env: [
        ...dataEnv('chat'),
        ...jwtVerify,
        { name: 'JWKS_URL', value: `http://${releaseName('user')}:${PORTS.user}/.well-known/jwks.json` },
      ],
    });
    this.web = new ConvergeProcess(this, 'web', {
      component: 'web',
      port: PORTS.web,
      command: ['node', 'dist-server/main.js'],
    });
    new ConvergeIngress(this, 'ingress', { user: this.user, chat: this.chat, web: this.web });
    new NetworkPolicies(this, 'netpol', {
      user: this.user,
      chat: this.chat,
      web: this.web,
      nats: this.nats,
      operator: this.operator,
      postgres: this.postgres,
      redis: this.redis,
    });
    new ServiceMonitor(this, 'monitoring', { targets: [this.user, this.chat, this.web, this.operator] });
    new GrafanaDashboards(this, 'dashboards', { dashboards: dashboardSources() });
    new PrometheusRuleResource(this, 'rules', { groups: ruleGroups() });
  }
}
