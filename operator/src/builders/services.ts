import type { PostgresCluster } from '../api/postgres-cluster';
import { AGENT_PORT } from '../agent/protocol';
import { LABEL_CLUSTER, LABEL_ROLE, clusterLabels, names } from './names';
import { ownedMeta } from './owner';

const pgPort = { name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' };

/**
 * `<name>-rw` (the primary: writes), `<name>-ro` (replicas: reads that may lag), `<name>-r` (any
 * instance), and the headless `<name>` that gives every pod a DNS name. -rw and -ro select on the role
 * label the operator moves, so a fenced primary leaves -rw as soon as its label changes.
 */
export function buildServices(c: PostgresCluster): Record<string, unknown>[] {
  const n = names(c.metadata.name);
  const labels = clusterLabels(c.metadata.name);
  const select = { [LABEL_CLUSTER]: c.metadata.name };
  const service = (name: string, selector: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(c, name, labels),
    spec: { type: 'ClusterIP', selector, ports: [pgPort], ...extra },
  });
  return [
    service(n.headless, select, {
      clusterIP: 'None',
      // Replicas must find each other (and the agent) before they are Ready.
      publishNotReadyAddresses: true,
      ports: [pgPort, { name: 'agent', port: AGENT_PORT, targetPort: 'agent', protocol: 'TCP' }],
    }),
    service(n.rw, { ...select, [LABEL_ROLE]: 'primary' }),
    service(n.ro, { ...select, [LABEL_ROLE]: 'replica' }),
    service(n.r, select),
  ];
}
