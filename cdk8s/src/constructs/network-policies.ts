import { ApiObject } from 'cdk8s';
import { AGENT_PORT, REDIS_PORT, SENTINEL_PORT } from '@converge/operator';
import { Construct } from 'constructs';
import { OPERATOR_ENABLED, POSTGRES_BY_OPERATOR, POSTGRES_EXTERNAL, POSTGRES_PORT, REDIS_BY_OPERATOR, REDIS_EXTERNAL } from '../helm/data-layer-tpl';
import { expr, renderOnlyIf, whenItem } from '../helm/expr';
import { v, valueNumber } from '../values/refs';
import { type ConvergeProcess, METRICS_PORT } from './converge-process';
import { type DataOperator, OPERATOR_METRICS_PORT } from './data-operator';
import type { NatsCluster } from './nats-cluster';
import { NATS_CLIENT_PORT, NATS_CLUSTER_PORT, NATS_MONITOR_PORT } from './nats-cluster';
import { labels, releaseName, releaseSelector } from './naming';
import type { PostgresClusterResource } from './postgres-cluster';
import type { RedisSentinelResource } from './redis-sentinel';

export interface NetworkPoliciesProps {
  readonly user: ConvergeProcess;
  readonly chat: ConvergeProcess;
  readonly web: ConvergeProcess;
  readonly nats: NatsCluster;
  readonly operator: DataOperator;
  readonly postgres: PostgresClusterResource;
  readonly redis: RedisSentinelResource;
}

const fromNamespace = (valuePath: 'networkPolicy.ingressNamespace' | 'networkPolicy.monitoringNamespace') => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': expr(`toJson ${v(valuePath)}`) } },
});
const tcp = (port: number | string) => ({ protocol: 'TCP', port });
/** Name resolution, wherever the cluster's DNS runs (kube-dns, NodeLocal DNSCache). */
const DNS = { ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] };

/**
 * Only what must talk does, both ways. Every pod of the release denies ingress and egress by default.
 * In: the ingress controller reaches the public ports of user, chat and web; chat reaches user (JWKS);
 * the services reach NATS; NATS servers reach each other; Prometheus reaches the metrics ports only.
 * Out: web reaches user and chat; user and chat reach NATS, the OTel collector (outside the chart, at
 * addresses it does not know: by port), PostgreSQL and Redis (by port when external, the operator's
 * pods in operator mode) and chat reaches user; NATS reaches its peers. Everyone may resolve names.
 * Only the operator reaches the Kubernetes API, the instance agents and the Redis and Sentinel pods
 * it reads and orders (the other pods' service account tokens are not even mounted); the PostgreSQL
 * instances take connections from user, chat and each other, and reach nothing but each other; Redis
 * pods take user, chat, each other (replication), the Sentinels and the operator, and reach only each
 * other; Sentinels take user, chat (asking for the master), each other and the operator, and reach
 * each other and the Redis pods they watch.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const policy = (name: string, spec: Record<string, unknown>, only?: string) => {
      const o = new ApiObject(this, name, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: releaseName(name), labels: labels('network') },
        spec: { ...spec, policyTypes: ['Ingress', 'Egress'] },
      });
      renderOnlyIf(o, only ? `and ${v('networkPolicy.enabled')} (${only})` : v('networkPolicy.enabled'));
    };
    const ingressController = fromNamespace('networkPolicy.ingressNamespace');
    const prometheus = fromNamespace('networkPolicy.monitoringNamespace');
    const pods = (p: { selector: Record<string, string> }) => ({ podSelector: { matchLabels: p.selector } });
    const toProcess = (p: ConvergeProcess) => ({ to: [pods(p)], ports: [tcp(p.port)] });
    const metricsFromPrometheus = { from: [prometheus], ports: [tcp(METRICS_PORT)] };
    const postgres = pods(props.postgres);
    const redis = { podSelector: { matchLabels: props.redis.redisSelector } };
    const sentinels = { podSelector: { matchLabels: props.redis.sentinelSelector } };
    // PostgreSQL and Redis: by port to any address when external, else the operator's pods (a
    // Sentinel client asks a Sentinel for the master, then connects to that Redis pod). OTLP: by port.
    const dataLayer = [
      whenItem(POSTGRES_EXTERNAL, { ports: [tcp(valueNumber('postgres.external.port'))] }),
      whenItem(POSTGRES_BY_OPERATOR, { to: [postgres], ports: [tcp(POSTGRES_PORT)] }),
      whenItem(REDIS_EXTERNAL, { ports: expr(`include "converge.tcpPorts" ${v('networkPolicy.egress.redisPorts')}`) }),
      whenItem(REDIS_BY_OPERATOR, { to: [sentinels], ports: [tcp(SENTINEL_PORT)] }),
      whenItem(REDIS_BY_OPERATOR, { to: [redis], ports: [tcp(REDIS_PORT)] }),
      { ports: expr(`include "converge.tcpPorts" ${v('networkPolicy.egress.otlpPorts')}`) },
    ];
    const toNats = { to: [pods(props.nats)], ports: [tcp(NATS_CLIENT_PORT)] };

    policy('default-deny', { podSelector: { matchLabels: releaseSelector() } });
    policy('user', {
      podSelector: { matchLabels: props.user.selector },
      ingress: [{ from: [ingressController, pods(props.chat)], ports: [tcp(props.user.port)] }, metricsFromPrometheus],
      egress: [toNats, ...dataLayer, DNS],
    });
    policy('chat', {
      podSelector: { matchLabels: props.chat.selector },
      ingress: [{ from: [ingressController], ports: [tcp(props.chat.port)] }, metricsFromPrometheus],
      egress: [toNats, toProcess(props.user), ...dataLayer, DNS],
    });
    policy('web', {
      podSelector: { matchLabels: props.web.selector },
      ingress: [{ from: [ingressController], ports: [tcp(props.web.port)] }, metricsFromPrometheus],
      egress: [toProcess(props.user), toProcess(props.chat), DNS],
    });
    policy('nats', {
      podSelector: { matchLabels: props.nats.selector },
      ingress: [
        { from: [pods(props.user), pods(props.chat)], ports: [tcp(NATS_CLIENT_PORT)] },
        { from: [pods(props.nats)], ports: [tcp(NATS_CLUSTER_PORT)] },
        { from: [prometheus], ports: [tcp(NATS_MONITOR_PORT)] },
      ],
      egress: [{ to: [pods(props.nats)], ports: [tcp(NATS_CLUSTER_PORT)] }, DNS],
    });
    // The operator: its metrics from Prometheus; out to the Kubernetes API (at an address the chart
    // does not know: by port), the instance agents, and the Redis and Sentinel pods (INFO, SENTINEL
    // MASTERS, REPLICAOF, SENTINEL MONITOR: by pod IP).
    policy(
      'operator',
      {
        podSelector: { matchLabels: props.operator.selector },
        ingress: [{ from: [prometheus], ports: [tcp(OPERATOR_METRICS_PORT)] }],
        egress: [
          { ports: expr(`include "converge.tcpPorts" ${v('networkPolicy.egress.apiServerPorts')}`) },
          whenItem(POSTGRES_BY_OPERATOR, { to: [postgres], ports: [tcp(AGENT_PORT)] }),
          whenItem(REDIS_BY_OPERATOR, { to: [redis], ports: [tcp(REDIS_PORT)] }),
          whenItem(REDIS_BY_OPERATOR, { to: [sentinels], ports: [tcp(SENTINEL_PORT)] }),
          DNS,
        ],
      },
      OPERATOR_ENABLED,
    );
    // The PostgreSQL instances (the operator's pods, labelled by cluster): clients and replication on
    // 5432, the operator (orders, status) and Prometheus (the agent's /metrics) on the agent's port.
    policy(
      'postgres',
      {
        podSelector: { matchLabels: props.postgres.selector },
        ingress: [
          { from: [pods(props.user), pods(props.chat)], ports: [tcp(POSTGRES_PORT)] },
          { from: [postgres], ports: [tcp(POSTGRES_PORT)] },
          { from: [pods(props.operator)], ports: [tcp(AGENT_PORT)] },
          { from: [prometheus], ports: [tcp(AGENT_PORT)] },
        ],
        // Replicas stream from the primary (pg_basebackup, pg_rewind, replication): nothing else.
        egress: [{ to: [postgres], ports: [tcp(POSTGRES_PORT)] }, DNS],
      },
      POSTGRES_BY_OPERATOR,
    );
    const clients = [pods(props.user), pods(props.chat)];
    // The Redis pods (the operator's, labelled by set and component): clients, replicas streaming from
    // the master, the Sentinels watching and reconfiguring them, the operator reading and ordering them.
    policy(
      'redis',
      {
        podSelector: { matchLabels: props.redis.redisSelector },
        ingress: [{ from: [...clients, redis, sentinels, pods(props.operator)], ports: [tcp(REDIS_PORT)] }],
        // A replica connects to its master (by the master's stable DNS name); a starting server asks
        // the Sentinels who the master is (hack/images/redis/entrypoint.sh): nothing else.
        egress: [{ to: [redis], ports: [tcp(REDIS_PORT)] }, { to: [sentinels], ports: [tcp(SENTINEL_PORT)] }, DNS],
      },
      REDIS_BY_OPERATOR,
    );
    // The Sentinels: clients and starting Redis servers asking for the master, each other (hello
    // messages, votes), the operator.
    policy(
      'sentinel',
      {
        podSelector: { matchLabels: props.redis.sentinelSelector },
        ingress: [{ from: [...clients, sentinels, redis, pods(props.operator)], ports: [tcp(SENTINEL_PORT)] }],
        egress: [{ to: [sentinels], ports: [tcp(SENTINEL_PORT)] }, { to: [redis], ports: [tcp(REDIS_PORT)] }, DNS],
      },
      REDIS_BY_OPERATOR,
    );
  }
}
