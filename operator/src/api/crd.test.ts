import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CRD_FILE, crdYaml } from './crd-file';
import { postgresClusterCrd } from './crd';

describe('the PostgresCluster CRD', () => {
  it('is committed as generated from the TypeScript schema (run `npm run crd -w operator` after a change)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', CRD_FILE), 'utf8');
    assert.equal(committed, crdYaml());
  });

  it('is structural: no additionalProperties beside properties anywhere', () => {
    const walk = (s: any, path: string): void => {
      if (!s || typeof s !== 'object') return;
      if (s.properties && 'additionalProperties' in s) assert.fail(`${path}: properties and additionalProperties together`);
      for (const [k, v] of Object.entries(s)) walk(v, `${path}.${k}`);
    };
    walk(postgresClusterCrd(), 'crd');
  });
});
