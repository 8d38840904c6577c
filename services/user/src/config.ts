import { z } from 'zod';
import { backendServiceShape, httpExposureShape, intVar, parseConfig } from '@converge/runtime';

/** A number of days, fractions allowed (a test gives a family a few seconds: `0.00005` is 4.32 s). */
function daysVar(defaultValue: number, max: number) {
  return z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of days')
    .transform(Number)
    .pipe(z.number().positive().max(max))
    .default(defaultValue);
}

export const userConfigSchema = z.object({
  ...backendServiceShape(3000, 'user', 'converge_user'),
  ...httpExposureShape,
  JWT_KEY_FILE: z.string().min(1, 'JWT_KEY_FILE must name the PEM file of the signing key'),
  JWT_PREVIOUS_KEY_FILE: z.string().min(1).optional(),
  ACCESS_TOKEN_TTL_SECONDS: intVar(900, 10, 86_400),
  REFRESH_TOKEN_TTL_DAYS: intVar(30, 1, 365),
  REFRESH_FAMILY_MAX_DAYS: daysVar(30, 3650),
  LOGIN_MAX_FAILURES: intVar(5, 1, 1000),
  LOGIN_IP_MAX_FAILURES: intVar(100, 1, 1_000_000),
  LOGIN_ACCOUNT_MAX_FAILURES: intVar(50, 1, 1_000_000),
  LOGIN_WINDOW_SECONDS: intVar(900, 1, 86_400),
  REGISTER_MAX_PER_IP: intVar(20, 1, 1_000_000),
  REGISTER_WINDOW_SECONDS: intVar(3600, 1, 86_400),
  /** GET /users?search per user over all pods (Redis): sustained, and at once after a quiet period. */
  SEARCH_RATE_PER_SECOND: intVar(5, 1, 100_000),
  SEARCH_BURST: intVar(20, 1, 100_000),
  RATE_LIMIT_KEY_PREFIX: z.string().default('converge:user:'),
  ARGON2_MEMORY_KIB: intVar(19456, 1024, 1_048_576),
  ARGON2_TIME_COST: intVar(2, 1, 10),
});

export type UserConfig = z.infer<typeof userConfigSchema>;

export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  return parseConfig(userConfigSchema, env);
}
