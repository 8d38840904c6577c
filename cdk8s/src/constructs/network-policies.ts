import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { expr, renderOnlyIf } from '../helm/expr';
import { v } from '../values/refs';
import type { ConvergeProcess } from './converge-process';
import type { NatsCluster } from './nats-cluster';
import { NATS_CLIENT_PORT, NATS_CLUSTER_PORT, NATS_MONITOR_PORT } from './nats-cluster';
import { labels, releaseName, releaseSelector } from './naming';

export interface NetworkPoliciesProps {
  readonly user: ConvergeProcess;
  readonly chat: ConvergeProcess;
  readonly web: ConvergeProcess;
  readonly nats: NatsCluster;
}

const fromNamespace = (valuePath: 'networkPolicy.ingressNamespace' | 'networkPolicy.monitoringNamespace') => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': expr(`toJson ${v(valuePath)}`) } },
});
const tcp = (port: number | string) => ({ protocol: 'TCP', port });

/**
 * Only what must talk does: every pod of the release denies ingress by default; the ingress
 * controller reaches user, chat and web; chat reaches user (JWKS); the services reach NATS; NATS
 * servers reach each other; Prometheus reaches the metrics ports. NATS egress is limited to its
 * peers and DNS. (The services' egress stays open: PostgreSQL, Redis and the OTel collector are
 * outside the chart at addresses it does not know.)
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const policy = (name: string, spec: Record<string, unknown>) => {
      const o = new ApiObject(this, name, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: releaseName(name), labels: labels('network') },
        spec,
      });
      renderOnlyIf(o, v('networkPolicy.enabled'));
    };
    const ingressController = fromNamespace('networkPolicy.ingressNamespace');
    const prometheus = fromNamespace('networkPolicy.monitoringNamespace');
    const pods = (p: { selector: Record<string, string> }) => ({ podSelector: { matchLabels: p.selector } });

    policy('default-deny', { podSelector: { matchLabels: releaseSelector() }, policyTypes: ['Ingress'] });
    policy('user', {
      podSelector: { matchLabels: props.user.selector },
      policyTypes: ['Ingress'],
      ingress: [{ from: [ingressController, pods(props.chat), prometheus], ports: [tcp(props.user.port)] }],
    });
    for (const p of [props.chat, props.web]) {
      const name = p === props.chat ? 'chat' : 'web';
      policy(name, {
        podSelector: { matchLabels: p.selector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [ingressController, prometheus], ports: [tcp(p.port)] }],
      });
    }
    policy('nats', {
      podSelector: { matchLabels: props.nats.selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [pods(props.user), pods(props.chat)], ports: [tcp(NATS_CLIENT_PORT)] },
        { from: [pods(props.nats)], ports: [tcp(NATS_CLUSTER_PORT)] },
        { from: [prometheus], ports: [tcp(NATS_MONITOR_PORT)] },
      ],
      egress: [
        { to: [pods(props.nats)], ports: [tcp(NATS_CLUSTER_PORT)] },
        { ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] },
      ],
    });
  }
}
