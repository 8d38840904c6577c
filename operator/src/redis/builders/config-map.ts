import { createHash } from 'node:crypto';
import { ownedMeta } from '../../builders/owner';
import { quantityBytes } from '../../builders/quantity';
import type { RedisSentinel } from '../api/redis-sentinel';
import { redisLabels, redisNames } from './names';

export const REDIS_CONF_KEY = 'redis.conf';

/**
 * What redis-server includes after the image's own config (port, dir, append-only file, password):
 * settings the operator chooses for every pod. Sentinel's settings are not here: the operator seeds
 * them with SENTINEL MONITOR / SET (a file would hold a master that may be stale by the time it is read).
 */
export function redisConf(r: RedisSentinel): string {
  const limit = r.spec.resources?.limits?.memory;
  return [
    '# Written by the Converge operator; included after the image config (port, dir, appendonly, auth).',
    'appendfsync everysec',
    // A new replica streams the RDB from the master's memory: no disk round trip on a small dataset.
    'repl-diskless-sync yes',
    'replica-read-only yes',
    // A replica cut from its master still answers reads (presence may be a few seconds old).
    'replica-serve-stale-data yes',
    // Presence and rate limits must not be evicted silently; a full Redis refuses writes instead.
    'maxmemory-policy noeviction',
    // With a memory limit, Redis refuses writes at 75 % of it instead of being OOM-killed by the kernel:
    // the rest is headroom for replication buffers, client buffers and the copy-on-write pages of a
    // background save's fork. Without a limit Redis is unbounded, as the pod is.
    ...(limit ? [`maxmemory ${Math.floor(quantityBytes(limit) * 0.75)}`] : []),
    '',
  ].join('\n');
}

export function buildRedisConfigMap(r: RedisSentinel): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMeta(r, redisNames(r.metadata.name).config, redisLabels(r.metadata.name)),
    data: { [REDIS_CONF_KEY]: redisConf(r) },
  };
}

/** Goes into the pod template: a changed config rolls the Redis pods (a mounted file alone would not be re-read). */
export const configHash = (r: RedisSentinel): string => createHash('sha256').update(redisConf(r)).digest('hex').slice(0, 16);
