import { expr, whenItem } from '../helm/expr';
import { endpoint } from '../helm/helpers-tpl';
import { valueString } from '../values/refs';

// Env vars that point a service at PostgreSQL, Redis and NATS. They all read the endpoints JSON of
// `converge.endpoints` (helpers-tpl.ts), the single place that decides where the data layer is.

type EnvVar = Record<string, unknown>;

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
    whenItem(endpoint('redis.passwordSecret.name'), {
      name: 'REDIS_PASSWORD',
      valueFrom: {
        secretKeyRef: {
          name: expr(`${endpoint('redis.passwordSecret.name')} | toJson`),
          key: expr(`${endpoint('redis.passwordSecret.key')} | toJson`),
        },
      },
    }),
    { name: 'NATS_URL', value: expr(`${endpoint('nats.url')} | toJson`) },
  ];
}
