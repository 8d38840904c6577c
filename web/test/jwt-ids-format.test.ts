import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayKey, initials } from '../src/lib/format';
import { newClientMsgId } from '../src/lib/ids';
import { tokenTimes } from '../src/lib/jwt';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('tokenTimes reads exp and iat of a JWT, and null for garbage', () => {
  const token = `${b64url({ alg: 'EdDSA' })}.${b64url({ sub: 'x', iat: 1000, exp: 1900 })}.sig`;
  assert.deepEqual(tokenTimes(token), { exp: 1900, iat: 1000 });
  assert.equal(tokenTimes('not-a-token'), null);
  assert.equal(tokenTimes(`a.${b64url({ sub: 'no exp' })}.c`), null);
});

test('client message ids are UUID-shaped, unique, within the 64-char limit', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newClientMsgId()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('initials use letters and digits only, never half an emoji', () => {
  assert.equal(initials('Mia Chen'), 'MC');
  assert.equal(initials('Launch 🚀'), 'L');
  assert.equal(initials('bob.smith'), 'BS');
  assert.equal(initials('🚀🚀'), '#');
  assert.equal(initials('élodie durand'), 'ÉD');
});

test('day keys group by calendar day', () => {
  assert.equal(dayKey('2026-01-02T03:00:00Z'), dayKey('2026-01-02T04:00:00Z'));
});
