import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trustProxySetting } from './trust-proxy';

test('TRUST_PROXY becomes a boolean, a hop count or the list express parses', () => {
  assert.equal(trustProxySetting('true'), true);
  assert.equal(trustProxySetting('false'), false);
  assert.equal(trustProxySetting('2'), 2);
  assert.equal(trustProxySetting('loopback, 10.0.0.0/8'), 'loopback, 10.0.0.0/8');
});
