import { z } from 'zod';

/** Thrown when the environment does not satisfy a process's config schema; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once. Call it at start-up and pass the result down; never read process.env deeper. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => `${i.path.map(String).join('.') || '(environment)'}: ${i.message}`),
  );
}

/** An integer environment variable with a default, bounded to [min, max]. */
export function intVar(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(defaultValue);
}

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Only a proxy on this very host (the web server in `make dev`, a sidecar) may set X-Forwarded-For. */
export const DEFAULT_TRUST_PROXY = '127.0.0.1, ::1';

/** Variables every long-running process reads. */
export function baseConfigShape(defaultPort: number, serviceName: string) {
  return {
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: intVar(defaultPort, 0, 65535),
    // /metrics is served here, on HOST, never on PORT: the Ingress routes PORT, Prometheus scrapes this.
    METRICS_PORT: intVar(9464, 0, 65535),
    // Strict-Transport-Security max-age on every answer; 0 (the default) sends none. The chart sets
    // it when its Ingress terminates TLS: over plain HTTP the header would be wrong (and is ignored).
    HSTS_MAX_AGE_SECONDS: intVar(0, 0, 63_072_000),
    LOG_LEVEL: logLevelSchema,
    SHUTDOWN_TIMEOUT_MS: intVar(25_000, 100, 600_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default(serviceName),
    // Which proxies may set X-Forwarded-For (client IPs feed rate limits). By default only a proxy on
    // this host: exactly 127.0.0.1 and ::1, not express's `loopback` (all of 127.0.0.0/8), nor any
    // private range, where any pod or VM neighbour could pick its own rate-limit key. A cluster names
    // its Ingress controller's range (the chart's ingress.trustedProxies).
    TRUST_PROXY: z.string().min(1).default(DEFAULT_TRUST_PROXY),
  };
}

const hostPort = z.string().regex(/^[^:,\s]+:\d{1,5}$/, 'must be host:port');

export const redisConfigShape = {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_SENTINELS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(hostPort).min(1).optional()),
  REDIS_MASTER_NAME: z.string().min(1).default('mymaster'),
  REDIS_PASSWORD: z.string().optional(),
  // With NODE_ENV=production a Redis that takes commands without a password stops start-up
  // (redis-auth.ts), unless this says so on purpose (e.g. a sidecar Redis on the pod's loopback).
  REDIS_ALLOW_NO_AUTH: z.enum(['true', 'false']).default('false').transform((s) => s === 'true'),
  NODE_ENV: z.string().default('development'),
};

export const natsConfigShape = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  // From a Secret; kept out of NATS_URL because the URL is logged.
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
};

export function databaseConfigShape(defaultDb: string) {
  return {
    DATABASE_URL: z.url().default(`postgres://postgres@127.0.0.1:5432/${defaultDb}`),
    DATABASE_PASSWORD: z.string().optional(),
  };
}

export const jwtVerifyShape = {
  JWT_ISSUER: z.string().min(1).default('converge'),
  JWT_AUDIENCE: z.string().min(1).default('converge'),
};

/**
 * What a backend service (user, chat) reads besides its own variables: the base, its PostgreSQL
 * (database and pool size), Redis, NATS and the JWT issuer/audience.
 */
export function backendServiceShape(defaultPort: number, serviceName: string, defaultDb: string) {
  return {
    ...baseConfigShape(defaultPort, serviceName),
    ...databaseConfigShape(defaultDb),
    DATABASE_POOL_SIZE: intVar(10, 1, 200),
    ...redisConfigShape,
    ...natsConfigShape,
    ...jwtVerifyShape,
  };
}

/** The Strict-Transport-Security value for HSTS_MAX_AGE_SECONDS, or undefined when it is off. */
export function hstsHeader(maxAgeSeconds: number): string | undefined {
  return maxAgeSeconds > 0 ? `max-age=${maxAgeSeconds}; includeSubDomains` : undefined;
}

export type BaseConfig = {
  HOST: string;
  PORT: number;
  METRICS_PORT: number;
  HSTS_MAX_AGE_SECONDS: number;
  LOG_LEVEL: z.infer<typeof logLevelSchema>;
  SHUTDOWN_TIMEOUT_MS: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAME: string;
  TRUST_PROXY: string;
};

export type RedisConfig = {
  REDIS_URL: string;
  REDIS_SENTINELS?: string[] | undefined;
  REDIS_MASTER_NAME: string;
  REDIS_PASSWORD?: string | undefined;
  REDIS_ALLOW_NO_AUTH?: boolean;
  NODE_ENV?: string;
};

/** DATABASE_URL with DATABASE_PASSWORD (from a Secret) put in, so the URL in values never holds it. */
export function databaseUrl(c: { DATABASE_URL: string; DATABASE_PASSWORD?: string | undefined }): string {
  if (!c.DATABASE_PASSWORD) return c.DATABASE_URL;
  const u = new URL(c.DATABASE_URL);
  u.password = encodeURIComponent(c.DATABASE_PASSWORD);
  return u.toString();
}
