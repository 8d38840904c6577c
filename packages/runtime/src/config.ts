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

/** Variables every long-running process reads. */
export function baseConfigShape(defaultPort: number, serviceName: string) {
  return {
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: intVar(defaultPort, 0, 65535),
    LOG_LEVEL: logLevelSchema,
    SHUTDOWN_TIMEOUT_MS: intVar(25_000, 100, 600_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default(serviceName),
    // Which proxies may set X-Forwarded-For (client IPs feed rate limits): by default loopback and
    // private networks (an in-cluster Ingress), never a public client.
    TRUST_PROXY: z.string().min(1).default('loopback, linklocal, uniquelocal'),
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
};

export const natsConfigShape = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
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

export type BaseConfig = {
  HOST: string;
  PORT: number;
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
};

/** DATABASE_URL with DATABASE_PASSWORD (from a Secret) put in, so the URL in values never holds it. */
export function databaseUrl(c: { DATABASE_URL: string; DATABASE_PASSWORD?: string | undefined }): string {
  if (!c.DATABASE_PASSWORD) return c.DATABASE_URL;
  const u = new URL(c.DATABASE_URL);
  u.password = encodeURIComponent(c.DATABASE_PASSWORD);
  return u.toString();
}
