// Stands in for the user service where a test or the bench needs only its tokens: an Ed25519 key,
// its JWKS over HTTP, and access tokens shaped like the user service's (docs/CONVENTIONS.md).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

export class TestIssuer {
  private server: Server | undefined;
  private key: KeyObject | undefined;
  private kid = '';
  jwksUrl = '';

  constructor(
    readonly issuer = 'converge',
    readonly audience = 'converge',
  ) {}

  async start(): Promise<void> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.key = privateKey;
    const jwk = await exportJWK(publicKey);
    // kid = RFC 7638 thumbprint, as the user service does.
    this.kid = await calculateJwkThumbprint(jwk);
    const body = JSON.stringify({ keys: [{ ...jwk, kid: this.kid, alg: 'EdDSA', use: 'sig' }] });
    this.server = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** An access token: sub, username, iss, aud, iat, exp, jti; a negative ttl gives an expired one. */
  token(userId: string, ttlSeconds = 900, username = `u_${userId.slice(0, 8)}`): Promise<string> {
    if (!this.key) throw new Error('issuer not started');
    return new SignJWT({ username })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .setJti(`${userId.slice(0, 8)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`)
      .sign(this.key);
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
