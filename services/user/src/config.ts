import { z } from 'zod';
import { backendServiceShape, httpExposureShape, intVar, parseConfig } from '@converge/runtime';

export const userConfigSchema = z.object({
  ...backendServiceShape(3000, 'user', 'converge_user'),
  ...httpExposureShape,
  JWT_KEY_FILE: z.string().min(1, 'JWT_KEY_FILE must name the PEM file of the signing key'),
  JWT_PREVIOUS_KEY_FILE: z.string().min(1).optional(),
  ACCESS_TOKEN_TTL_SECONDS: intVar(900, 10, 86_400),
  REFRESH_TOKEN_TTL_DAYS: intVar(30, 1, 365),
  LOGIN_MAX_FAILURES: intVar(5, 1, 1000),
  LOGIN_WINDOW_SECONDS: intVar(900, 1, 86_400),
  REGISTER_MAX_PER_IP: intVar(20, 1, 1_000_000),
  REGISTER_WINDOW_SECONDS: intVar(3600, 1, 86_400),
  RATE_LIMIT_KEY_PREFIX: z.string().default('converge:user:'),
  ARGON2_MEMORY_KIB: intVar(19456, 1024, 1_048_576),
  ARGON2_TIME_COST: intVar(2, 1, 10),
});

export type UserConfig = z.infer<typeof userConfigSchema>;

export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  return parseConfig(userConfigSchema, env);
}
