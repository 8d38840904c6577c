import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Argon2Hasher, DEFAULT_ARGON2 } from './password-hasher';

test('the production default is OWASP-grade argon2id: 19 MiB, 2 passes, 1 lane', () => {
  assert.deepEqual(DEFAULT_ARGON2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
});

test('hashes are argon2id with the configured cost and a fresh salt; verify accepts only the password', async () => {
  const hasher = new Argon2Hasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
  const a = await hasher.hash('correct horse');
  const b = await hasher.hash('correct horse');
  assert.match(a, /^\$argon2id\$v=19\$m=4096,p=1,t=1\$/);
  assert.notEqual(a, b, 'salted');
  assert.ok(!a.includes('correct horse'));
  assert.equal(await hasher.verify(a, 'correct horse'), true);
  assert.equal(await hasher.verify(a, 'correct horsE'), false);
});

test('no hash (unknown user) or a corrupt one answers false instead of throwing', async () => {
  const hasher = new Argon2Hasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
  assert.equal(await hasher.verify(undefined, 'anything'), false);
  assert.equal(await hasher.verify(undefined, 'anything else'), false);
  assert.equal(await hasher.verify('not-a-hash', 'anything'), false);
});
