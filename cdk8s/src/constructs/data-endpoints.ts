import { expr } from '../helm/expr';
import { endpoint } from '../helm/helpers-tpl';
import { valueString } from '../values/refs';

// Env vars that point a service at PostgreSQL, Redis and NATS. They all read the endpoints JSON of
// `converge.endpoints` (helpers-tpl.ts), the single place that decides where the data layer is.

type EnvVar = Record<string, unknown>;

/** An env var from the Secret the endpoints JSON names for `redis` or `nats`. */
export function secretEnv(name: string, of: 'redis' | 'nats'): EnvVar {
  return {
    name,
    valueFrom: {
      secretKeyRef: {
        name: expr(`${endpoint(`${of}.passwordSecret.name`)} | toJson`),
        key: expr(`${endpoint(`${of}.passwordSecret.key`)} | toJson`),
      },
    },
  };
}

export function dataEnv(database: 'user' | 'chat'): EnvVar[] {
  return [
    { name: 'DATABASE_URL', value: expr(`include "converge.databaseUrl" (list . "${database}") | toJson`) },
    {
      name: 'DATABASE_PASSWORD',
      valueFrom: {
        secretKeyRef: {
          name: expr(`${endpoint('postgres.passwordSecret.name')} | toJson`),
          key: expr(`${endpoint('postgres.passwordSecret.key')} | toJson`),
        },
      },
    },
    { name: 'DATABASE_POOL_SIZE', value: valueString('postgres.poolSize') },
    { name: 'REDIS_URL', value: expr(`${endpoint('redis.url')} | toJson`) },
    // Empty means "no Sentinels" to the services' config parser.
    { name: 'REDIS_SENTINELS', value: expr(`${endpoint('redis.sentinels')} | toJson`) },
    { name: 'REDIS_MASTER_NAME', value: expr(`${endpoint('redis.masterName')} | toJson`) },
    // Always from a Secret: the one values name, else the chart's generated one (credentials.ts).
    secretEnv('REDIS_PASSWORD', 'redis'),
    // The images run with NODE_ENV=production, where an open Redis stops start-up unless this says so.
    { name: 'REDIS_ALLOW_NO_AUTH', value: valueString('redis.allowNoAuth') },
    { name: 'NATS_URL', value: expr(`${endpoint('nats.url')} | toJson`) },
    { name: 'NATS_USER', value: expr(`${endpoint('nats.user')} | toJson`) },
    secretEnv('NATS_PASSWORD', 'nats'),
  ];
}
