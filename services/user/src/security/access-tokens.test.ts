import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { AppError } from '@converge/protocol';
import { AccessTokens, bearerToken } from './access-tokens';
import { jwks, type KeySet, loadSigningKey } from './signing-keys';

const settings = { issuer: 'converge', audience: 'converge', ttlSeconds: 900 };
let keys: KeySet;
let oldKeys: KeySet;

async function keySet(...pems: string[]): Promise<KeySet> {
  const [current, ...rest] = await Promise.all(pems.map((p) => loadSigningKey(p)));
  if (!current) throw new Error('no key');
  const verification = [current, ...rest].map((k) => ({ kid: k.kid, alg: k.alg, publicJwk: k.publicJwk, publicKey: createPublicKey(k.privateKey) }));
  return { current, verification };
}

function newPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const oldPem = newPem();
before(async () => {
  oldKeys = await keySet(oldPem);
  keys = await keySet(newPem(), oldPem);
});

async function unauthenticated(p: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === 'UNAUTHENTICATED' && (!message || message.test(e.message)));
}

describe('access tokens', () => {
  test('are EdDSA JWTs with kid, sub, username, iss, aud, iat, exp (15 min) and jti, verifiable with the JWKS alone', async () => {
    const t = await new AccessTokens(keys, settings).sign({ id: 'u-1', username: 'ann' });
    const header = decodeProtectedHeader(t);
    assert.deepEqual([header.alg, header.kid, header.typ], ['EdDSA', keys.current.kid, 'JWT']);
    const { payload } = await jwtVerify(t, createLocalJWKSet(jwks(keys)), { issuer: 'converge', audience: 'converge' });
    assert.deepEqual([payload.sub, payload.username], ['u-1', 'ann']);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 900);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.deepEqual(await new AccessTokens(keys, settings).verify(t), { userId: 'u-1', username: 'ann' });
  });

  test('a token signed with the previous key verifies while that key is served, and not after', async () => {
    const t = await new AccessTokens(oldKeys, settings).sign({ id: 'u-2', username: 'bob' });
    assert.equal((await new AccessTokens(keys, settings).verify(t)).userId, 'u-2');
    await unauthenticated(new AccessTokens(await keySet(newPem()), settings).verify(t), /invalid/);
  });

  test('missing, malformed, tampered, expired, wrong issuer or audience, or unsigned: UNAUTHENTICATED', async () => {
    const tokens = new AccessTokens(keys, settings);
    const good = await tokens.sign({ id: 'u-3', username: 'cat' });
    const [h, p, s] = good.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(good), sub: 'someone-else' })).toString('base64url');
    await unauthenticated(tokens.verify(undefined), /missing/);
    await unauthenticated(tokens.verify('not-a-jwt'));
    await unauthenticated(tokens.verify(`${h}.${forged}.${s}`));
    await unauthenticated(tokens.verify(`${h}.${p}.${s.slice(0, -4)}AAAA`));
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    await unauthenticated(tokens.verify(none));
    const key = keys.current.privateKey;
    const sign = (claims: Record<string, unknown>, iss = 'converge', aud = 'converge', exp: number | string = '15m') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: keys.current.kid }).setSubject('u-3').setIssuer(iss).setAudience(aud)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(exp).sign(key);
    await unauthenticated(tokens.verify(await sign({ username: 'cat' }, 'converge', 'converge', Math.floor(Date.now() / 1000) - 60)), /expired/);
    await unauthenticated(tokens.verify(await sign({ username: 'cat' }, 'evil')));
    await unauthenticated(tokens.verify(await sign({ username: 'cat' }, 'converge', 'other-app')));
    await unauthenticated(tokens.verify(await sign({})), /invalid/);
  });
});

describe('bearerToken', () => {
  test('takes the token from "Bearer <token>" only', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer   abc'), 'abc');
    assert.equal(bearerToken(['Bearer one', 'Bearer two']), 'one');
    for (const h of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'abc']) assert.equal(bearerToken(h), undefined, String(h));
  });
});
