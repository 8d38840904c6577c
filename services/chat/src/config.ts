import { z } from 'zod';
import { backendServiceShape, httpExposureShape, intVar, parseConfig } from '@converge/runtime';
import { type LimitsTable, parseLimitOverrides } from './limits/limits.table';

export const chatConfigSchema = z.object({
  ...backendServiceShape(3002, 'chat', 'converge_chat'),
  ...httpExposureShape,
  JWKS_URL: z.url().default('http://127.0.0.1:3000/.well-known/jwks.json'),
  /** Largest Socket.IO packet accepted, in bytes (a 4000-character body fits with room to spare). */
  SOCKET_MAX_PAYLOAD_BYTES: intVar(64 * 1024, 1024, 10 * 1024 * 1024),
  /** message:send per user, sustained (token bucket refill) and at once after a quiet period. */
  SEND_RATE_PER_SECOND: intVar(10, 1, 100_000),
  SEND_BURST: intVar(20, 1, 100_000),
  /**
   * Group commit of sends (persistence/send.batcher.ts): most sends stored in one round trip and
   * commit (0: every send on its own, through chat_send), and how long a send may wait for a commit
   * in flight before it goes on its own (never longer than 2 ms; no wait at all when none is in flight).
   */
  SEND_BATCH_MAX_SIZE: intVar(64, 0, 1000),
  SEND_BATCH_MAX_WAIT_MS: intVar(2, 0, 2),
  /**
   * Most group commits under way at once per pod (0, the default: half of DATABASE_POOL_SIZE, rounded
   * up). Measured in make bench (p99 send→deliver at half capacity): before the changes feed one in
   * flight did best (41-43 ms against 60-144 with five), after it one did worst (116-140 ms against
   * 57-96: each entry of a batch costs PostgreSQL more, and one batch at a time queues the sends).
   */
  SEND_BATCH_MAX_IN_FLIGHT: intVar(0, 0, 100),
  /** Overrides of the other per-user limits (limits/limits.table.ts): `action=points/seconds[/burst],...`, `*` for all. */
  RATE_LIMITS: z
    .string()
    .default('')
    .transform((text, ctx): Partial<LimitsTable> => {
      try {
        return parseLimitOverrides(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /** Open sockets per user over every pod; one more is refused at the handshake with RATE_LIMITED. */
  MAX_SOCKETS_PER_USER: intVar(10, 1, 10_000),
  /** Open graphql-ws connections per user over every pod; one more is closed with 4429 RATE_LIMITED. */
  MAX_GRAPHQL_WS_PER_USER: intVar(10, 1, 10_000),
  /** How long a pod's presence counts live in Redis without its heartbeat (a crashed pod's users go offline). */
  PRESENCE_TTL_MS: intVar(30_000, 1000, 600_000),
});

export type ChatConfig = z.infer<typeof chatConfigSchema>;

export function loadChatConfig(env: NodeJS.ProcessEnv = process.env): ChatConfig {
  return parseConfig(chatConfigSchema, env);
}
