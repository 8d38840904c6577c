import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outsideLinks } from './outside-links';
import { repoRoot } from './repo-root';

// Spelled in pieces so this file does not itself hold the links it tests for.
const UP = '../';

test('outsideLinks finds climbing paths, the shared/ sibling and dead Markdown links, and nothing else', () => {
  const exists = (p: string) => ['docs/API.md', 'docs/openapi/chat.json', 'web/README.md'].includes(p);
  const md = [
    `See [the contract](${UP}shared/PROTOCOL.md) and [API](docs/API.md#rest), [web](./web/README.md).`,
    `Also \`${UP}${UP}shared/STYLE.md\`, [gone](docs/missing.md), [site](https://example.com/a/../b), [top](#top).`,
  ].join('\n');
  assert.deepEqual(
    outsideLinks('README.md', md, exists).map((l) => [l.line, l.target, l.why]),
    [
      [1, `${UP}shared/PROTOCOL.md`, 'climbs out of the repository'],
      [1, `See [the contract](${UP}shared/PROTOCOL.md) and [API](docs/API.md#rest), [web](./web/README.md).`, `names the shared/ folder beside the repository`],
      [2, `${UP}${UP}shared/STYLE.md`, 'climbs out of the repository'],
      [2, `Also \`${UP}${UP}shared/STYLE.md\`, [gone](docs/missing.md), [site](https://example.com/a/../b), [top](#top).`, `names the shared/ folder beside the repository`],
      [2, 'docs/missing.md', 'links to a file that does not exist'],
    ],
  );
  // In code, paths in strings are runtime paths (often from dist/), not links; a comment naming the shared folder is one.
  const code = `import { x } from '../../domain/ports';\nconst f = join(__dirname, '../../../../docs/a.json');\n// see ${UP}shared/PROTOCOL.md\n/** or ${UP}${UP}${UP}${UP}${UP}other/x.md */\nconst y = 1; // ${UP}${UP}${UP}${UP}${UP}z\n`;
  assert.deepEqual(
    outsideLinks('services/chat/src/a/b.ts', code, exists).map((l) => [l.line, l.why]),
    [
      [3, 'names the shared/ folder beside the repository'],
      [4, 'climbs out of the repository'],
      [5, 'climbs out of the repository'],
    ],
  );
  assert.deepEqual(outsideLinks('docs/API.md', '[chat](openapi/chat.json) [root](../README.md)', (p) => p === 'docs/openapi/chat.json'), [
    { file: 'docs/API.md', line: 1, target: '../README.md', why: 'links to a file that does not exist' },
  ]);
});

test('no tracked file links to a path outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  assert.ok(files.length > 100, 'git ls-files lists the repository');
  const exists = (p: string) => existsSync(join(repoRoot, p));
  const found = files
    .filter((f) => f !== 'package-lock.json' && exists(f) && statSync(join(repoRoot, f)).isFile())
    .flatMap((f) => {
      const buf = readFileSync(join(repoRoot, f));
      if (buf.includes(0)) return []; // binary (screenshots)
      return outsideLinks(f, buf.toString('utf8'), exists);
    });
  assert.deepEqual(found, []);
});
