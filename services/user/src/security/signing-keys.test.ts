import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { generateKeyFileIfMissing, jwks, loadKeySet, loadSigningKey, loadVerificationKey } from './signing-keys';

const dir = mkdtempSync(join(tmpdir(), 'converge-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pem(type: 'ed25519' | 'ec' | 'rsa', name: string): string {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

describe('signing keys', () => {
  test('an Ed25519 PKCS#8 key signs with EdDSA; its kid is the RFC 7638 thumbprint of the public JWK', async () => {
    const k = await loadSigningKey(readFileSync(pem('ed25519', 'ed.pem'), 'utf8'));
    assert.equal(k.alg, 'EdDSA');
    const { kid: _kid, alg: _alg, use: _use, ...bare } = k.publicJwk;
    assert.equal(k.kid, await calculateJwkThumbprint(bare));
    assert.deepEqual([k.publicJwk.kty, k.publicJwk.crv, k.publicJwk.use, k.publicJwk.alg], ['OKP', 'Ed25519', 'sig', 'EdDSA']);
    assert.equal((k.publicJwk as { d?: string }).d, undefined, 'no private part in the JWK');
  });

  test('a P-256 key is ES256; other key types are refused with a clear message', async () => {
    assert.equal((await loadSigningKey(readFileSync(pem('ec', 'ec.pem'), 'utf8'))).alg, 'ES256');
    await assert.rejects(loadSigningKey(readFileSync(pem('rsa', 'rsa.pem'), 'utf8')), /unsupported JWT key type rsa/);
    await assert.rejects(loadSigningKey('not a pem'));
  });

  test('a verification key loads from a private or a public PEM with the same kid', async () => {
    const file = pem('ed25519', 'v.pem');
    const priv = await loadVerificationKey(readFileSync(file, 'utf8'));
    const { publicKey } = await import('node:crypto').then((c) => ({ publicKey: c.createPublicKey(readFileSync(file, 'utf8')) }));
    const pub = await loadVerificationKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    assert.equal(priv.kid, pub.kid);
  });

  test('during a rotation the JWKS serves the current key first, then the previous; the same key twice is served once', async () => {
    const current = pem('ed25519', 'cur.pem');
    const previous = pem('ed25519', 'prev.pem');
    const set = await loadKeySet(current, previous);
    const served = jwks(set).keys;
    assert.equal(served.length, 2);
    assert.equal(served[0]?.kid, set.current.kid);
    assert.notEqual(served[1]?.kid, set.current.kid);
    assert.ok(served.every((k) => !('d' in k)));
    assert.equal(jwks(await loadKeySet(current, current)).keys.length, 1);
    assert.equal(jwks(await loadKeySet(current)).keys.length, 1);
  });
});

describe('generateKeyFileIfMissing', () => {
  test('writes a usable Ed25519 key readable only by its owner, once; a second call keeps it', async () => {
    const file = join(dir, 'nested', 'dev', 'jwt-key.pem');
    assert.equal(generateKeyFileIfMissing(file), true);
    const first = readFileSync(file, 'utf8');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await loadSigningKey(first)).alg, 'EdDSA');
    assert.equal(generateKeyFileIfMissing(file), false);
    assert.equal(readFileSync(file, 'utf8'), first, 'an existing key is never replaced');
  });
});
