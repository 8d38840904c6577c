import type WebSocket from 'ws';

/** graphql-ws close codes this server uses (4401 and 4429 as graphql-ws defines them; 4403 Forbidden). */
export const WS_CLOSE = {
  unauthorized: 4401,
  revoked: 4403,
  tooMany: 4429,
} as const;

export interface WsConnection {
  socket: WebSocket;
  userId: string;
  /** The refresh-token family the token was issued for (`sid`); tokens without one are only timed out. */
  sessionId: string | undefined;
  /** The latest access token the client sent (connection params, then pings). */
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  timer?: NodeJS.Timeout;
}

/**
 * This pod's graphql-ws connections: each is closed when its access token expires (the timer is
 * re-armed when a ping brings a fresh token) and, on a revocation event, when its session ends.
 */
export class GraphQLWsSessions {
  private readonly conns = new Map<string, WsConnection>();

  add(connId: string, c: WsConnection): void {
    this.conns.set(connId, c);
    this.arm(c);
  }

  get(connId: string): WsConnection | undefined {
    return this.conns.get(connId);
  }

  refresh(connId: string, token: string, expiresAt: number, sessionId: string | undefined): void {
    const c = this.conns.get(connId);
    if (!c) return;
    c.token = token;
    c.expiresAt = expiresAt;
    c.sessionId = sessionId ?? c.sessionId;
    this.arm(c);
  }

  remove(connId: string): void {
    clearTimeout(this.conns.get(connId)?.timer);
    this.conns.delete(connId);
  }

  /** Closes the connections of a revoked session (or every one of the user's, without a session id). */
  revoke(userId: string, sessionId?: string): number {
    let n = 0;
    for (const c of this.conns.values()) {
      if (c.userId !== userId || (sessionId !== undefined && c.sessionId !== sessionId)) continue;
      c.socket.close(WS_CLOSE.revoked, 'UNAUTHENTICATED: the session was revoked');
      n++;
    }
    return n;
  }

  clear(): void {
    for (const c of this.conns.values()) clearTimeout(c.timer);
    this.conns.clear();
  }

  private arm(c: WsConnection): void {
    clearTimeout(c.timer);
    const ms = Math.max(0, c.expiresAt * 1000 - Date.now());
    c.timer = setTimeout(() => c.socket.close(WS_CLOSE.unauthorized, 'UNAUTHENTICATED: access token expired'), Math.min(ms, 2 ** 31 - 1));
    c.timer.unref();
  }
}
