import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createTestDatabase, startNatsServer } from '@converge/testing';
import { createLogger } from '@converge/runtime';
import { loadUserConfig } from '../src/config';
import { startUserService } from '../src/server';
import { baseEnv, call, register, writeKey } from './harness';

test('during a key rotation both keys are in the JWKS and tokens signed by either are accepted', async () => {
  const db = await createTestDatabase('user_rotation');
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'converge-user-rot-'));
  const logger = createLogger('user', 'silent');
  try {
    const oldKey = writeKey(dir, 'old.pem');
    const newKey = writeKey(dir, 'new.pem');
    const before = await startUserService(loadUserConfig(baseEnv(db, nats, oldKey)), { handleSignals: false, logger });
    const u = await register(before.url);
    await before.stop();

    const rotated = await startUserService(
      loadUserConfig({ ...baseEnv(db, nats, newKey), JWT_PREVIOUS_KEY_FILE: oldKey }),
      { handleSignals: false, logger },
    );
    try {
      const jwks = (await call(rotated.url, 'GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] };
      assert.equal(jwks.keys.length, 2);
      // A token signed with the old key still works, and verifies against the served JWKS alone.
      assert.equal((await call(rotated.url, 'GET', '/users/me', undefined, u.accessToken)).status, 200);
      const set = createRemoteJWKSet(new URL(`${rotated.url}/.well-known/jwks.json`));
      await jwtVerify(u.accessToken, set);
      // New tokens are signed with the new key.
      const login = await call(rotated.url, 'POST', '/auth/login', { username: u.user.username, password: u.password });
      const kid = JSON.parse(Buffer.from(login.body.accessToken.split('.')[0], 'base64url').toString()).kid as string;
      assert.equal(kid, jwks.keys[0]?.kid);
      assert.notEqual(kid, JSON.parse(Buffer.from(u.accessToken.split('.')[0] ?? '', 'base64url').toString()).kid);
    } finally {
      await rotated.stop();
    }
    // Once the old key is no longer served, its tokens are refused.
    const after = await startUserService(loadUserConfig(baseEnv(db, nats, newKey)), { handleSignals: false, logger });
    try {
      assert.equal((await call(after.url, 'GET', '/users/me', undefined, u.accessToken)).status, 401);
    } finally {
      await after.stop();
    }
  } finally {
    await nats.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
