import { ownedMeta } from '../../builders/owner';
import type { RedisSentinel } from '../api/redis-sentinel';
import { redisLabels, redisNames } from './names';

export const PASSWORD_KEY = 'password';

/** `<name>-auth`: Redis's and Sentinel's password, created once if absent and never overwritten. */
export function buildRedisAuthSecret(r: RedisSentinel, random: () => string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: ownedMeta(r, redisNames(r.metadata.name).auth, redisLabels(r.metadata.name)),
    stringData: { [PASSWORD_KEY]: random() },
  };
}
