import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, importPKCS8 } from 'jose';
import { readFileSync } from 'node:fs';
import { call, type Harness, register, startHarness, uname } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

describe('register and login', () => {
  test('register answers 201 with the user and a token pair; the name is folded to lower case', async () => {
    const name = uname('Mixed');
    const r = await call(h.url, 'POST', '/auth/register', { username: name, password: 'password123', displayName: 'Ann' });
    assert.equal(r.status, 201);
    assert.equal(r.body.user.username, name.toLowerCase());
    assert.equal(r.body.user.displayName, 'Ann');
    assert.match(r.body.user.id, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(r.body.user.createdAt)));
    assert.equal(typeof r.body.accessToken, 'string');
    assert.equal(typeof r.body.refreshToken, 'string');
    assert.equal(r.body.user.passwordHash, undefined);
  });

  test('a taken username, in any case, is 409 CONFLICT', async () => {
    const { user } = await register(h.url);
    const r = await call(h.url, 'POST', '/auth/register', { username: user.username.toUpperCase(), password: 'password123' });
    assert.deepEqual([r.status, r.body.error.code], [409, 'CONFLICT']);
  });

  test('login with the right password gives tokens; a wrong one or an unknown user is 401', async () => {
    const u = await register(h.url);
    const ok = await call(h.url, 'POST', '/auth/login', { username: u.user.username.toUpperCase(), password: u.password });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.id, u.user.id);
    const wrong = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: 'nope-nope' });
    assert.deepEqual([wrong.status, wrong.body.error.code], [401, 'UNAUTHENTICATED']);
    const ghost = await call(h.url, 'POST', '/auth/login', { username: uname('ghost'), password: 'whatever1' });
    assert.deepEqual([ghost.status, ghost.body.error.code], [401, 'UNAUTHENTICATED']);
  });
});

describe('access tokens', () => {
  test('a token from /auth/login verifies against the JWKS alone', async () => {
    const u = await register(h.url);
    const login = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
    const jwks = createRemoteJWKSet(new URL(`${h.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(login.body.accessToken, jwks, { issuer: 'converge', audience: 'converge' });
    assert.equal(payload.sub, u.user.id);
    assert.equal(payload.username, u.user.username);
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.ok(protectedHeader.kid);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 900, 'access tokens live 15 minutes');
  });

  test('an expired or tampered token is 401', async () => {
    const u = await register(h.url);
    const key = await importPKCS8(readFileSync(h.keyFile, 'utf8'), 'EdDSA');
    const kid = decodeJwtHeaderKid(u.accessToken);
    const expired = await new SignJWT({ username: u.user.username })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(u.user.id)
      .setIssuer('converge')
      .setAudience('converge')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const r1 = await call(h.url, 'GET', '/users/me', undefined, expired);
    assert.deepEqual([r1.status, r1.body.error.code], [401, 'UNAUTHENTICATED']);
    assert.match(r1.body.error.message, /expired/);

    const [head, payload, sig] = u.accessToken.split('.') as [string, string, string];
    const claims = decodeJwt(u.accessToken);
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    const r2 = await call(h.url, 'GET', '/users/me', undefined, `${head}.${forged}.${sig}`);
    assert.equal(r2.status, 401);
    const r3 = await call(h.url, 'GET', '/users/me', undefined, `${head}.${payload}.${sig.slice(0, -4)}AAAA`);
    assert.equal(r3.status, 401);
    const r4 = await call(h.url, 'GET', '/users/me');
    assert.equal(r4.status, 401);
    const r5 = await call(h.url, 'GET', '/users/me', undefined, undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(r5.status, 401);
  });
});

function decodeJwtHeaderKid(token: string): string {
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
  return header.kid;
}

describe('refresh tokens', () => {
  test('refresh rotates: a new pair each time, and the old refresh token is spent', async () => {
    const u = await register(h.url);
    const r1 = await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refreshToken, u.refreshToken);
    assert.equal((await call(h.url, 'GET', '/users/me', undefined, r1.body.accessToken)).status, 200);
    const r2 = await call(h.url, 'POST', '/auth/refresh', { refreshToken: r1.body.refreshToken });
    assert.equal(r2.status, 200);
  });

  test('reusing a spent token revokes the whole family, including the newest token', async () => {
    const u = await register(h.url);
    const r1 = await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken });
    const reuse = await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken });
    assert.deepEqual([reuse.status, reuse.body.error.code], [401, 'UNAUTHENTICATED']);
    const newest = await call(h.url, 'POST', '/auth/refresh', { refreshToken: r1.body.refreshToken });
    assert.equal(newest.status, 401, 'the thief and the owner both lose the session');
    // Another login of the same user (another family) is unaffected.
    const other = await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
    assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: other.body.refreshToken })).status, 200);
  });

  test('two refreshes racing with one token: at most one wins', async () => {
    const u = await register(h.url);
    const rs = await Promise.all([1, 2, 3].map(() => call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken })));
    assert.ok(rs.filter((r) => r.status === 200).length <= 1);
    assert.ok(rs.every((r) => r.status === 200 || r.status === 401));
  });

  test('logout answers 204 and ends the session; an unknown token is a no-op', async () => {
    const u = await register(h.url);
    assert.equal((await call(h.url, 'POST', '/auth/logout', { refreshToken: u.refreshToken })).status, 204);
    assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken })).status, 401);
    assert.equal((await call(h.url, 'POST', '/auth/logout', { refreshToken: 'never-issued' })).status, 204);
    assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: 'never-issued' })).status, 401);
  });
});

describe('users', () => {
  test('me, update me, get by id', async () => {
    const u = await register(h.url);
    const me = await call(h.url, 'GET', '/users/me', undefined, u.accessToken);
    assert.deepEqual(Object.keys(me.body).sort(), ['createdAt', 'displayName', 'id', 'username']);
    const patched = await call(h.url, 'PATCH', '/users/me', { displayName: '  Zoë 🚀 ' }, u.accessToken);
    assert.equal(patched.status, 200);
    assert.equal(patched.body.displayName, 'Zoë 🚀');
    const other = await register(h.url);
    const got = await call(h.url, 'GET', `/users/${u.user.id}`, undefined, other.accessToken);
    assert.deepEqual([got.status, got.body.displayName], [200, 'Zoë 🚀']);
    const missing = await call(h.url, 'GET', '/users/00000000-0000-4000-8000-000000000000', undefined, u.accessToken);
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
    const notUuid = await call(h.url, 'GET', '/users/not-a-uuid', undefined, u.accessToken);
    assert.equal(notUuid.status, 404);
    assert.equal((await call(h.url, 'GET', `/users/${u.user.id}`)).status, 401);
  });

  test('search by username or display-name prefix, with a limit', async () => {
    const tag = uname('srch');
    const a = await register(h.url, `${tag}_a`);
    await register(h.url, `${tag}_b`);
    await register(h.url, `${tag}_c`);
    const all = await call(h.url, 'GET', `/users?search=${tag}&limit=50`, undefined, a.accessToken);
    assert.deepEqual(all.body.users.map((x: { username: string }) => x.username), [`${tag}_a`, `${tag}_b`, `${tag}_c`]);
    const two = await call(h.url, 'GET', `/users?search=${tag.toUpperCase()}&limit=2`, undefined, a.accessToken);
    assert.equal(two.body.users.length, 2);
    const wildcard = await call(h.url, 'GET', `/users?search=${encodeURIComponent('%')}`, undefined, a.accessToken);
    assert.equal(wildcard.body.users.length, 0, 'LIKE wildcards are matched literally');
    const bad = await call(h.url, 'GET', '/users?limit=51', undefined, a.accessToken);
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED']);
  });

  test('delete me: 204, the account and its sessions are gone, the name is free again', async () => {
    const u = await register(h.url);
    assert.equal((await call(h.url, 'DELETE', '/users/me', undefined, u.accessToken)).status, 204);
    assert.equal((await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken })).status, 401);
    assert.equal((await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: u.password })).status, 401);
    assert.equal((await call(h.url, 'GET', '/users/me', undefined, u.accessToken)).status, 401);
    const other = await register(h.url);
    assert.equal((await call(h.url, 'GET', `/users/${u.user.id}`, undefined, other.accessToken)).status, 404);
  });
});

describe('operations', () => {
  test('/metrics counts registrations, logins by outcome, refreshes and reuse detections', async () => {
    const u = await register(h.url);
    await call(h.url, 'POST', '/auth/login', { username: u.user.username, password: 'wrong-password' });
    const r1 = await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken });
    assert.equal(r1.status, 200);
    await call(h.url, 'POST', '/auth/refresh', { refreshToken: u.refreshToken });
    const res = await fetch(`${h.metricsUrl}/metrics`);
    const text = await res.text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    assert.ok(value(/^user_registrations_total\{[^}]*\} (\d+)$/m) >= 1, 'registrations');
    assert.ok(value(/^user_logins_total\{[^}]*outcome="bad_credentials"[^}]*\} (\d+)$/m) >= 1, 'failed logins');
    assert.ok(value(/^user_token_refreshes_total\{[^}]*outcome="ok"[^}]*\} (\d+)$/m) >= 1, 'refreshes');
    assert.ok(value(/^user_refresh_token_reuse_detected_total\{[^}]*\} (\d+)$/m) >= 1, 'reuse detections');
    assert.match(text, /^http_request_duration_seconds_count\{[^}]*route="\/auth\/register"/m);
  });

  test('/readyz checks postgres, redis and nats', async () => {
    const r = await call(h.url, 'GET', '/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.info).sort(), ['nats', 'postgres', 'redis']);
  });
});
