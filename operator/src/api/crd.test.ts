import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allCrdFiles } from './crd-file';
import { postgresClusterCrd } from './crd';
import { redisSentinelCrd } from '../redis/api/crd';

describe('the CRDs', () => {
  for (const { file, yaml } of allCrdFiles()) {
    it(`${file} is committed as generated from the TypeScript schema (run \`npm run crd -w operator\` after a change)`, () => {
      const committed = readFileSync(join(__dirname, '..', '..', '..', file), 'utf8');
      assert.equal(committed, yaml);
    });
  }

  for (const [kind, crd] of [['PostgresCluster', postgresClusterCrd()], ['RedisSentinel', redisSentinelCrd()]] as const) {
    it(`${kind} is structural: no additionalProperties beside properties anywhere`, () => {
      const walk = (s: any, path: string): void => {
        if (!s || typeof s !== 'object') return;
        if (s.properties && 'additionalProperties' in s) assert.fail(`${path}: properties and additionalProperties together`);
        for (const [k, v] of Object.entries(s)) walk(v, `${path}.${k}`);
      };
      walk(crd, 'crd');
    });
  }

  it('RedisSentinel: defaults in the schema, the quorum rule in CEL, Master/Ready/Phase/Age columns', () => {
    const v = (redisSentinelCrd() as any).spec.versions[0];
    const spec = v.schema.openAPIV3Schema.properties.spec;
    assert.equal(spec.properties.replicas.default, 3);
    assert.equal(spec.properties.sentinels.default, 3);
    assert.equal(spec.properties.quorum.default, undefined, 'the quorum follows sentinels when unset');
    assert.equal(spec.properties.sentinel.properties.downAfterMilliseconds.default, 5000);
    assert.deepEqual(spec['x-kubernetes-validations'].map((r: any) => r.rule), ['!has(self.quorum) || self.quorum <= self.sentinels']);
    assert.deepEqual(v.additionalPrinterColumns.filter((c: any) => !c.priority).map((c: any) => c.name), ['Master', 'Ready', 'Replicas', 'Phase', 'Age']);
  });
});
