import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataKind } from './protocol';
import { startupAction } from './startup-rule';

test('the start-up rule: only a replica starts by itself', () => {
  const table: [DataKind, string][] = [
    ['replica', 'start-replica'],
    ['empty', 'wait'],
    // A primary never restarts on its own: another instance may have been promoted meanwhile.
    ['primary', 'wait'],
  ];
  for (const [kind, action] of table) assert.equal(startupAction(kind).action, action, kind);
});
