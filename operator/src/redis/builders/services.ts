import { ownedMeta } from '../../builders/owner';
import type { RedisSentinel } from '../api/redis-sentinel';
import { LABEL_REDIS_ROLE, REDIS_PORT, SENTINEL_PORT, componentSelector, redisLabels, redisNames } from './names';

const redisPort = { name: 'redis', port: REDIS_PORT, targetPort: 'redis', protocol: 'TCP' };
const sentinelPort = { name: 'sentinel', port: SENTINEL_PORT, targetPort: 'sentinel', protocol: 'TCP' };

/**
 * The two headless Services that give every pod its stable DNS name (what Redis and Sentinel announce
 * and Sentinel monitors; published before the pod is Ready, so a starting pod can be found),
 * `<name>-master` on the pod the operator labels master (for clients without Sentinel support), and
 * `<name>-sentinel` for Sentinel clients.
 */
export function buildRedisServices(r: RedisSentinel): Record<string, unknown>[] {
  const name = r.metadata.name;
  const n = redisNames(name);
  const service = (svc: string, component: 'redis' | 'sentinel', spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(r, svc, redisLabels(name, component)),
    spec,
  });
  return [
    service(n.redisHeadless, 'redis', { clusterIP: 'None', publishNotReadyAddresses: true, selector: componentSelector(name, 'redis'), ports: [redisPort] }),
    service(n.sentinelHeadless, 'sentinel', { clusterIP: 'None', publishNotReadyAddresses: true, selector: componentSelector(name, 'sentinel'), ports: [sentinelPort] }),
    service(n.master, 'redis', { type: 'ClusterIP', selector: { ...componentSelector(name, 'redis'), [LABEL_REDIS_ROLE]: 'master' }, ports: [redisPort] }),
    service(n.sentinel, 'sentinel', { type: 'ClusterIP', selector: componentSelector(name, 'sentinel'), ports: [sentinelPort] }),
  ];
}
