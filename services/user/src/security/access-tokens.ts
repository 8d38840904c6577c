import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '@converge/protocol';
import type { AccessTokenIssuer } from '../domain/ports';
import type { KeySet } from './signing-keys';

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessIdentity {
  userId: string;
  username: string;
}

/** Signs access tokens with the current key and verifies them with any key in the JWKS. */
export class AccessTokens implements AccessTokenIssuer {
  constructor(
    private readonly keys: KeySet,
    private readonly settings: TokenSettings,
  ) {}

  sign(user: { id: string; username: string }, sessionId?: string): Promise<string> {
    const k = this.keys.current;
    return new SignJWT({ username: user.username, ...(sessionId ? { sid: sessionId } : {}) })
      .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(k.privateKey);
  }

  /** The identity in a valid token, or UNAUTHENTICATED (missing, malformed, tampered, expired, unknown key). */
  async verify(token: string | undefined): Promise<AccessIdentity> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'missing access token');
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = this.keys.verification.find((k) => k.kid === header.kid && k.alg === header.alg);
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key.publicKey;
        },
        { issuer: this.settings.issuer, audience: this.settings.audience, algorithms: ['EdDSA', 'ES256'] },
      );
      if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') throw new Error('claims');
      return { userId: payload.sub, username: payload.username };
    } catch (e) {
      const expired = e instanceof errors.JWTExpired;
      throw new AppError('UNAUTHENTICATED', expired ? 'access token expired' : 'invalid access token');
    }
  }
}

/** The token in an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)$/i.exec(h ?? '');
  return m?.[1];
}
