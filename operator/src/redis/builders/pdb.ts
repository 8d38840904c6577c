import { ownedMeta } from '../../builders/owner';
import type { RedisSentinel } from '../api/redis-sentinel';
import { componentSelector, redisLabels, redisNames } from './names';

/**
 * Redis: one pod at a time. Sentinel: as many as may go while a majority stays (a failover needs a
 * majority to authorize it), at least one so a drain is never blocked for good.
 */
export function buildRedisPdbs(r: RedisSentinel): Record<string, unknown>[] {
  const name = r.metadata.name;
  const n = redisNames(name);
  const majority = Math.floor(r.spec.sentinels / 2) + 1;
  const pdb = (pdbName: string, component: 'redis' | 'sentinel', maxUnavailable: number) => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: ownedMeta(r, pdbName, redisLabels(name, component)),
    spec: { maxUnavailable, selector: { matchLabels: componentSelector(name, component) } },
  });
  return [pdb(n.redisPdb, 'redis', 1), pdb(n.sentinelPdb, 'sentinel', Math.max(1, r.spec.sentinels - majority))];
}
