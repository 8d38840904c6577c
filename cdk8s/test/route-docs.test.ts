import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROUTES } from '@converge/protocol';
import { REPO } from './support/paths';

// The docs list the route table by hand (Markdown is read as is, not generated): each list must be
// the table, row for row, plus the web app's `/`.
const want = [...ROUTES.map((r) => [r.prefix, r.upstream, r.serves]), ['/', 'web', 'the web app']];

/** The `| \`/path\` | service | serves |` rows of the section that starts with `heading`. */
function rowsOf(file: string, heading: string): string[][] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `${file} has a "${heading}" section`);
  const level = heading.split(' ')[0] as string;
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  const section = end >= 0 ? rest.slice(0, end) : rest;
  return [...section.matchAll(/^\| `(\/[^`]*)`[^|]*\| (\w+) \| (.+?) \|$/gm)].map((m) => [m[1], m[2], m[3]] as string[]);
}

for (const [file, heading] of [
  ['docs/CONVENTIONS.md', '## HTTP paths beyond the contract'],
  ['cdk8s/DEPLOY.md', '### What the Ingress routes'],
] as const) {
  test(`${file} lists every route of packages/protocol/src/routes.ts, and only those`, () => {
    assert.deepEqual(rowsOf(file, heading), want);
  });
}
