import { join } from 'node:path';
import { baseConfigShape, parseConfig } from '@converge/runtime';
import { z } from 'zod';

/** An optional URL where an empty string means "not set" (env files often carry `X=`). */
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

export const webConfigSchema = z.object({
  ...baseConfigShape(3001, 'web'),
  /** Where `/auth`, `/users`, `/.well-known`, `/user/graphql` go; unset: those paths answer 404 here. */
  USER_SERVICE_URL: optionalUrl,
  /** Where `/rooms`, `/socket.io/`, `/graphql`, `/chat/graphql` go (WebSocket upgrades too). */
  CHAT_SERVICE_URL: optionalUrl,
  /** The Vite build to serve. */
  STATIC_DIR: z.string().min(1).default(join(__dirname, '..', 'dist')),
});

export type WebConfig = z.infer<typeof webConfigSchema>;

export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  return parseConfig(webConfigSchema, env);
}
