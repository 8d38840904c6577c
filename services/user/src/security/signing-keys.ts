import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateKey: KeyObject;
  publicJwk: JWK;
}

export interface VerificationKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  publicKey: KeyObject;
  publicJwk: JWK;
}

function algOf(key: KeyObject): 'EdDSA' | 'ES256' {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`unsupported JWT key type ${key.asymmetricKeyType ?? 'unknown'}: use Ed25519 or P-256`);
}

async function publicParts(publicKey: KeyObject, alg: 'EdDSA' | 'ES256'): Promise<{ kid: string; publicJwk: JWK }> {
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  // The kid is the key's RFC 7638 thumbprint: stable across restarts and pods with no extra config.
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/** The signing key from a PKCS#8 PEM (file content). */
export async function loadSigningKey(pem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(pem);
  const alg = algOf(privateKey);
  return { alg, privateKey, ...(await publicParts(createPublicKey(privateKey), alg)) };
}

/** A key that only verifies (the previous one during a rotation): a private or public PEM. */
export async function loadVerificationKey(pem: string): Promise<VerificationKey> {
  const publicKey = createPublicKey(pem);
  const alg = algOf(publicKey);
  return { alg, publicKey, ...(await publicParts(publicKey, alg)) };
}

export interface KeySet {
  current: SigningKey;
  /** Every key tokens may be verified with: the current one first, then the previous. */
  verification: VerificationKey[];
}

export async function loadKeySet(currentFile: string, previousFile?: string): Promise<KeySet> {
  const current = await loadSigningKey(readFileSync(currentFile, 'utf8'));
  const verification: VerificationKey[] = [
    { kid: current.kid, alg: current.alg, publicKey: createPublicKey(current.privateKey), publicJwk: current.publicJwk },
  ];
  if (previousFile) {
    const prev = await loadVerificationKey(readFileSync(previousFile, 'utf8'));
    if (prev.kid !== current.kid) verification.push(prev);
  }
  return { current, verification };
}

export function jwks(keys: KeySet): { keys: JWK[] } {
  return { keys: keys.verification.map((k) => k.publicJwk) };
}

/**
 * Writes a new Ed25519 signing key (PKCS#8 PEM, mode 0600) to `file` unless one is already there.
 * Answers whether it wrote one. Creating with the `wx` flag makes a concurrent second writer a no-op.
 */
export function generateKeyFileIfMissing(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}
