import { FIELD_MANAGER } from '../../builders/names';

// Names and labels of everything the operator owns for one RedisSentinel `<name>`.

/** The RedisSentinel a pod or object belongs to (value: its name). */
export const LABEL_REDIS = 'data.converge.io/redis-sentinel';
/** `redis` or `sentinel`. */
export const LABEL_REDIS_COMPONENT = 'data.converge.io/redis-component';
/** `master` on the one Redis pod `<name>-master` selects, `replica` on the rest: the operator moves it. */
export const LABEL_REDIS_ROLE = 'data.converge.io/redis-role';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;

export const redisNames = (name: string) => ({
  redis: `${name}-redis`,
  redisHeadless: `${name}-redis-headless`,
  sentinel: `${name}-sentinel`,
  sentinelHeadless: `${name}-sentinel-headless`,
  master: `${name}-master`,
  config: `${name}-redis-config`,
  auth: `${name}-auth`,
  redisPdb: `${name}-redis`,
  sentinelPdb: `${name}-sentinel`,
});

export const redisPodName = (name: string, ordinal: number) => `${name}-redis-${ordinal}`;
export const sentinelPodName = (name: string, ordinal: number) => `${name}-sentinel-${ordinal}`;

/** The stable DNS name a pod announces (replica-announce-ip, sentinel announce-ip) and Sentinel monitors. */
export const podHost = (pod: string, headless: string, namespace: string) => `${pod}.${headless}.${namespace}.svc`;

export function redisLabels(name: string, component?: 'redis' | 'sentinel'): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'redis',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': component ?? 'cache',
    'app.kubernetes.io/part-of': 'converge',
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
    [LABEL_REDIS]: name,
    ...(component ? { [LABEL_REDIS_COMPONENT]: component } : {}),
  };
}

/** What a component's StatefulSet, PDB and Services select on (never the role: it moves). */
export const componentSelector = (name: string, component: 'redis' | 'sentinel') => ({ [LABEL_REDIS]: name, [LABEL_REDIS_COMPONENT]: component });
