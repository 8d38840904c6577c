import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { synthChart } from '../src/main';
import { CHART_DIR } from './support/paths';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('the committed chart is exactly what cdk8s synthesizes (run `make chart` after changing cdk8s/src)', () => {
  const want = synthChart();
  const have = new Map(filesUnder(CHART_DIR).map((p) => [relative(CHART_DIR, p), readFileSync(p, 'utf8')]));
  assert.deepEqual([...have.keys()].sort(), [...want.keys()].sort(), 'chart files differ');
  for (const [file, text] of want) assert.equal(have.get(file), text, `charts/converge/${file} is stale`);
});
