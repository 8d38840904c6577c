// Repository-wide guards for the runtime split: nobody reaches into a @converge package's build
// output, and the framework-free core stays free of NestJS, express and GraphQL servers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

/** The monorepo root: the nearest package.json above this file that declares workspaces. */
function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
  }
  throw new Error(`no workspace root above ${__dirname}`);
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'dist-test', 'dist-server', 'charts', 'cdk8s.out', 'coverage', '.dev', '.test-results']);
const CODE = /\.(c|m)?(t|j)sx?$/;

function* codeFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* codeFiles(join(dir, entry.name));
    } else if (CODE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield join(dir, entry.name);
    }
  }
}

/** Module specifiers in `text` that reach into a @converge package's build output. */
export function deepDistImports(text: string): string[] {
  const specifier = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"](@converge\/[\w.-]+\/dist(?:-test)?(?:\/[^'"]*)?)['"]/g;
  return [...text.matchAll(specifier)].map((m) => m[1] ?? '');
}

test('the deep-import finder sees import, import type, export from, dynamic import and require', () => {
  const pkg = '@converge/' + 'runtime';
  const sample = [
    `import { a } from '${pkg}/dist/src/logger';`,
    `import type { B } from "${pkg}/dist/src/metrics";`,
    `export { c } from '${pkg}/dist-test/src/x';`,
    `const d = require('${pkg}/dist');`,
    `await import('${pkg}/dist/src/shutdown');`,
    `import '${pkg}/dist/src/side-effect';`,
    `import { ok } from '${pkg}';`,
    `import { t } from '${pkg}/tracing';`,
  ].join('\n');
  assert.deepEqual(deepDistImports(sample), [
    `${pkg}/dist/src/logger`,
    `${pkg}/dist/src/metrics`,
    `${pkg}/dist-test/src/x`,
    `${pkg}/dist`,
    `${pkg}/dist/src/shutdown`,
    `${pkg}/dist/src/side-effect`,
  ]);
});

test('no file in the repository imports a @converge package through its dist/', () => {
  const root = repoRoot();
  const offenders: string[] = [];
  let scanned = 0;
  for (const file of codeFiles(root)) {
    scanned++;
    for (const spec of deepDistImports(readFileSync(file, 'utf8'))) offenders.push(`${relative(root, file)}: ${spec}`);
  }
  assert.ok(scanned > 100, `scanned only ${scanned} files under ${root}`);
  assert.deepEqual(offenders, []);
});

interface NpmTree {
  name?: string;
  dependencies?: Record<string, NpmTree>;
}

const FORBIDDEN_IN_CORE = [/^@nestjs\//, /^express$/, /^@types\/express$/, /^graphql-yoga$/, /^graphql$/, /^@graphql-yoga\//];

/** Every package name reachable in an `npm ls --json` tree, with the path that leads to it. */
export function forbiddenPackagesIn(tree: NpmTree, path: string[] = []): string[] {
  const found: string[] = [];
  for (const [name, sub] of Object.entries(tree.dependencies ?? {})) {
    const here = [...path, name];
    if (FORBIDDEN_IN_CORE.some((re) => re.test(name))) found.push(here.join(' > '));
    found.push(...forbiddenPackagesIn(sub, here));
  }
  return found;
}

test('the forbidden-package finder walks the whole tree', () => {
  const tree: NpmTree = {
    dependencies: {
      pino: { dependencies: {} },
      a: { dependencies: { b: { dependencies: { '@nestjs/common': {}, express: {} } } } },
      'graphql-yoga': {},
    },
  };
  assert.deepEqual(forbiddenPackagesIn(tree), ['a > b > @nestjs/common', 'a > b > express', 'graphql-yoga']);
});

test('npm ls: no NestJS, express or GraphQL server anywhere under @converge/runtime', async () => {
  const root = repoRoot();
  // npm ls exits non-zero for problems elsewhere in the tree (extraneous packages): read its output anyway.
  const { stdout } = await promisify(execFile)('npm', ['ls', '--all', '--json', '-w', '@converge/runtime'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const tree = JSON.parse(stdout) as NpmTree;
  const core = tree.dependencies?.['@converge/runtime'];
  assert.ok(core?.dependencies?.pino, 'the tree lists the core and its dependencies');
  assert.deepEqual(forbiddenPackagesIn(core), []);
});

/** Files under a package's dist/ that are tests, test fixtures or fakes: none may ship. */
export function testArtifactsIn(files: string[]): string[] {
  return files.filter((f) => /(^|\/)test\//.test(f) || /\.test\.(c|m)?js$/.test(f) || /\.fakes?\.(c|m)?js$/.test(f) || /(^|\/)fakes?\//.test(f));
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

test('the test-artifact finder flags tests, test/ fixtures and fakes', () => {
  assert.deepEqual(
    testArtifactsIn(['src/index.js', 'src/a.test.js', 'test/fixture-service.js', 'src/ports.fakes.js', 'src/fake/x.js', 'src/latest.js']),
    ['src/a.test.js', 'test/fixture-service.js', 'src/ports.fakes.js', 'src/fake/x.js'],
  );
});

test('the dist/ of every package holds no tests, test fixtures or fakes', () => {
  const root = repoRoot();
  const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')));
  assert.ok(packages.includes('runtime') && packages.includes('runtime-nest'));
  for (const p of packages) {
    const dist = join(root, 'packages', p, 'dist');
    assert.ok(existsSync(dist), `packages/${p} is built (npm run build) before its tests run`);
    const files = listFiles(dist);
    assert.ok(files.some((f) => f.endsWith('index.js')), `packages/${p}/dist has its entry point`);
    assert.deepEqual(testArtifactsIn(files), [], `packages/${p}/dist`);
  }
});

test('every test file of every package is compiled to its dist-test/ (none silently left out of npm test)', () => {
  const root = repoRoot();
  const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')));
  for (const p of packages) {
    const dir = join(root, 'packages', p);
    const sources = ['src', 'test'].filter((d) => existsSync(join(dir, d))).flatMap((d) => listFiles(join(dir, d)).map((f) => join(d, f)));
    const tests = sources.filter((f) => f.endsWith('.test.ts'));
    const missing = tests.filter((f) => !existsSync(join(dir, 'dist-test', f.replace(/\.ts$/, '.js'))));
    assert.deepEqual(missing, [], `packages/${p}: tests its tsconfig.test.json does not build`);
  }
});
