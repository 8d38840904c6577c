import type { Logger, Redis } from '@converge/runtime';

/** Longer than any access token lives (ACCESS_TOKEN_TTL_SECONDS is at most a day): after that, no token of the session is valid anyway. */
const REMEMBER_SECONDS = 86_400;

/**
 * Sessions revoked while their access tokens are still valid, shared by the pods in Redis: a
 * graphql-ws connection (or a ping's fresh token) of such a session is refused. While Redis is
 * unreachable the check lets the token through; its expiry still bounds it.
 */
export class RevokedSessions {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  private key(sessionId: string): string {
    return `chat:session-revoked:${sessionId}`;
  }

  async mark(sessionId: string): Promise<void> {
    await this.redis.set(this.key(sessionId), '1', 'EX', REMEMBER_SECONDS);
  }

  async has(sessionId: string | undefined): Promise<boolean> {
    if (!sessionId) return false;
    try {
      return (await this.redis.exists(this.key(sessionId))) === 1;
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'Revoked-session check skipped');
      return false;
    }
  }
}
