import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AppError } from '@converge/protocol';

export interface Identity {
  userId: string;
  username: string;
  /** Seconds since the epoch when the token stops being valid. */
  expiresAt: number;
  /** The session (refresh-token family, claim `sid`) the token was issued for, when it names one. */
  sessionId?: string;
}

/**
 * Verifies access tokens against the user service's JWKS (jose caches it and refetches on an
 * unknown `kid`, so a key rotation needs no restart).
 */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    jwksUrl: string,
    private readonly issuer: string,
    private readonly audience: string,
    /** A deleted user's still-unexpired tokens are refused (see DeletedUsers). */
    private readonly deleted?: { isDeleted(userId: string): Promise<boolean> },
  ) {
    this.jwks = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 });
  }

  async verify(token: unknown): Promise<Identity> {
    const id = await this.verifySignature(token);
    if (await this.deleted?.isDeleted(id.userId)) throw new AppError('UNAUTHENTICATED', 'account no longer exists');
    return id;
  }

  private async verifySignature(token: unknown): Promise<Identity> {
    if (typeof token !== 'string' || !token) throw new AppError('UNAUTHENTICATED', 'missing access token');
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['EdDSA', 'ES256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('claims');
      const id: Identity = { userId: payload.sub, username: String(payload.username ?? ''), expiresAt: payload.exp };
      if (typeof payload.sid === 'string') id.sessionId = payload.sid;
      return id;
    } catch (e) {
      if (e instanceof errors.JWKSTimeout || (e instanceof Error && /fetch failed|ECONNREFUSED/.test(e.message))) {
        throw new AppError('UNAVAILABLE', 'cannot reach the key set to verify tokens');
      }
      throw new AppError('UNAUTHENTICATED', e instanceof errors.JWTExpired ? 'access token expired' : 'invalid access token');
    }
  }
}

export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}
