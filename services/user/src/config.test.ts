import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@converge/runtime';
import { loadUserConfig } from './config';

test('JWT_KEY_FILE is required, and the error names it', () => {
  assert.throws(() => loadUserConfig({}), (e: unknown) => e instanceof ConfigError && /JWT_KEY_FILE/.test(e.message));
});

test('defaults: port 3000, 15-minute access tokens, 30-day refresh tokens, OWASP argon2id, 5 failures in 15 min', () => {
  const c = loadUserConfig({ JWT_KEY_FILE: '/keys/jwt.pem' });
  assert.deepEqual(
    [c.PORT, c.ACCESS_TOKEN_TTL_SECONDS, c.REFRESH_TOKEN_TTL_DAYS, c.ARGON2_MEMORY_KIB, c.ARGON2_TIME_COST, c.LOGIN_MAX_FAILURES, c.LOGIN_WINDOW_SECONDS],
    [3000, 900, 30, 19456, 2, 5, 900],
  );
  assert.equal(c.JWT_PREVIOUS_KEY_FILE, undefined);
});

test('bad values stop the start with the variable named', () => {
  for (const [k, v] of [['REFRESH_TOKEN_TTL_DAYS', '0'], ['ARGON2_MEMORY_KIB', '12'], ['PORT', 'http'], ['REGISTER_MAX_PER_IP', '-1']]) {
    assert.throws(() => loadUserConfig({ JWT_KEY_FILE: 'k.pem', [k as string]: v }), (e: unknown) => e instanceof ConfigError && e.message.includes(k as string));
  }
});
