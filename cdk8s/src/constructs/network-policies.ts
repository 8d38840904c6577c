import { ApiObject } from 'cdk8s';
import { AGENT_PORT } from '@converge/operator';
import { Construct } from 'constructs';
import { OPERATOR_ENABLED, POSTGRES_BY_OPERATOR, POSTGRES_EXTERNAL, POSTGRES_PORT } from '../helm/data-layer-tpl';
import { expr, renderOnlyIf, whenItem } from '../helm/expr';
import { v, valueNumber } from '../values/refs';
import { type ConvergeProcess, METRICS_PORT } from './converge-process';
import { type DataOperator, OPERATOR_METRICS_PORT } from './data-operator';
import type { NatsCluster } from './nats-cluster';
import { NATS_CLIENT_PORT, NATS_CLUSTER_PORT, NATS_MONITOR_PORT } from './nats-cluster';
import { labels, releaseName, releaseSelector } from './naming';
import type { PostgresClusterResource } from './postgres-cluster';

export interface NetworkPoliciesProps {
  readonly user: ConvergeProcess;
  readonly chat: ConvergeProcess;
  readonly web: ConvergeProcess;
  readonly nats: NatsCluster;
  readonly operator: DataOperator;
  readonly postgres: PostgresClusterResource;
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
 * Out: web reaches user and chat; user and chat reach NATS, Redis and the OTel collector (outside
 * the chart, at addresses it does not know: by port), PostgreSQL (by port when external, the
 * PostgresCluster's pods in operator mode) and chat reaches user; NATS reaches its peers. Everyone may
 * resolve names. Only the operator reaches the Kubernetes API and the instance agents (the other pods'
 * service account tokens are not even mounted); the PostgreSQL instances take connections from user,
 * chat and each other, and reach nothing but each other.
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
    // PostgreSQL: by port to any address when it is external, else the PostgresCluster's pods.
    // Redis and OTLP: by port, to any address.
    const dataLayer = [
      whenItem(POSTGRES_EXTERNAL, { ports: [tcp(valueNumber('postgres.external.port'))] }),
      whenItem(POSTGRES_BY_OPERATOR, { to: [postgres], ports: [tcp(POSTGRES_PORT)] }),
      { ports: expr(`include "converge.tcpPorts" ${v('networkPolicy.egress.redisPorts')}`) },
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
    // does not know: by port) and the instance agents.
    policy(
      'operator',
      {
        podSelector: { matchLabels: props.operator.selector },
        ingress: [{ from: [prometheus], ports: [tcp(OPERATOR_METRICS_PORT)] }],
        egress: [
          { ports: expr(`include "converge.tcpPorts" ${v('networkPolicy.egress.apiServerPorts')}`) },
          { to: [postgres], ports: [tcp(AGENT_PORT)] },
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
  }
}
