import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

test('the domain uses no protocol schema and parses nothing: every transport parses once at its edge', () => {
  // This file runs from dist/src/domain: the compiled domain code is beside it.
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.js') && !/\.(test|fakes|contract)\.js$/.test(f));
  assert.ok(files.includes('chat.service.js'));
  for (const f of files) {
    const js = readFileSync(join(__dirname, f), 'utf8');
    const used = [...js.matchAll(/protocol_1\.(\w+)/g)].map((m) => m[1]).filter((n) => n === 'parseOrThrow' || /Schemas?$/.test(n ?? ''));
    assert.deepEqual(used, [], `${f} parses with ${used.join(', ')}`);
  }
});
