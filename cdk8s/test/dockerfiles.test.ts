import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ApiObject, App } from 'cdk8s';
import { parse } from 'yaml';
import { ConvergeChart, PORTS } from '../src/charts/converge-chart';
import { OPERATOR_METRICS_PORT } from '../src/constructs/data-operator';
import { APP_UID } from '../src/constructs/pod-security';
import { REPO } from './support/paths';

// No Docker here (no registry; the images are built for real later): instead the one Dockerfile, the
// build args skaffold passes for each process and the files the image ships are checked against what
// `make build` produces and what the chart runs, so they cannot drift apart.
const chart = new ConvergeChart(new App(), 'converge');
const images = [
  { image: 'converge-user', ws: 'services/user', process: chart.user, port: PORTS.user },
  { image: 'converge-chat', ws: 'services/chat', process: chart.chat, port: PORTS.chat },
  { image: 'converge-web', ws: 'web', process: chart.web, port: PORTS.web },
  { image: 'converge-operator', ws: 'operator', process: chart.operator, port: OPERATOR_METRICS_PORT },
];
const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const stages = text.split(/^(?=FROM )/m).slice(1);
const runtime = stages.at(-1) ?? '';
const artifacts: any[] = parse(readFileSync(join(REPO, 'skaffold.yaml'), 'utf8')).build.artifacts;

describe('Dockerfile (the root one, for every Node process)', () => {
  test('replaces the per-process copies', () => {
    for (const ws of ['services/user', 'services/chat', 'web']) assert.equal(existsSync(join(REPO, ws, 'Dockerfile')), false, ws);
  });

  test('every stage runs on the Node 24 LTS base image, overridable by NODE_IMAGE', () => {
    assert.match(text, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const s of stages) assert.match(s, /^FROM \$\{NODE_IMAGE\}( AS \w+)?\n/);
  });

  test('builds with the same npm targets as make build, then keeps production dependencies only', () => {
    assert.match(text, /bash hack\/deps\.sh/);
    // -w packages: every packages/* workspace, so a new one needs no line here; -w services likewise.
    assert.match(text, /npm run build --silent --if-present -w packages -w services -w web -w operator\n/);
    assert.match(text, /npm ci --omit=dev --workspace "\$WORKSPACE" /);
    assert.match(text, /bash docker\/runtime-files\.sh "\$WORKSPACE" \/out/);
    assert.doesNotMatch(text, /packages\/[a-z]/, 'no workspace listed by name');
  });

  test('builds with the legacy builder too: no syntax line, no BuildKit-only instructions', () => {
    assert.doesNotMatch(text, /^# syntax=/m);
    assert.doesNotMatch(text, /--mount=|^(COPY|ADD) --(parents|link|chmod)/m);
  });

  test('layers in cache order: install from the manifests, then sources and build, then the build args', () => {
    const build = stages.find((s) => /^FROM \S+ AS build\n/.test(s)) ?? '';
    const at = (re: RegExp) => {
      const i = build.search(re);
      assert.ok(i >= 0, `build stage has ${re}`);
      return i;
    };
    // The install reads only package.json files + the lockfile (copied from the manifests stage).
    assert.ok(at(/^COPY --from=manifests /m) < at(/^ && bash hack\/deps\.sh$/m));
    assert.ok(at(/^ && bash hack\/deps\.sh$/m) < at(/^COPY \. \.$/m), 'npm ci before the sources');
    assert.ok(at(/^COPY \. \.$/m) < at(/^RUN npm run build /m));
    // Every ARG of the process comes after the shared layers, so the three images share them.
    for (const arg of ['WORKSPACE', 'PORT', 'ENTRY']) assert.ok(at(/^RUN npm run build /m) < at(new RegExp(`^ARG ${arg}$`, 'm')), arg);
    const manifests = stages.find((s) => /^FROM \S+ AS manifests\n/.test(s)) ?? '';
    assert.match(manifests, /-name package\.json/);
    assert.match(manifests, /package-lock\.json hack\/deps\.sh/);
  });

  test('the runtime stage holds only the staged files, runs as the numeric non-root user, node as PID 1', () => {
    assert.doesNotMatch(runtime, /^COPY (?!--from=build )/m, 'nothing from the build context');
    assert.match(runtime, /^COPY --from=build \/out \.\/$/m);
    assert.match(runtime, new RegExp(`^USER ${APP_UID}:${APP_UID}$`, 'm'));
    assert.match(runtime, /^EXPOSE \$\{PORT\} 9464$/m, 'the public port and the metrics port');
    assert.match(runtime, /^WORKDIR \/app\/\$\{WORKSPACE\}$/m);
    assert.match(runtime, /^ENV NODE_ENV=production ENTRY=\$\{ENTRY\}$/m);
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(runtime);
    assert.ok(entry, 'ENTRYPOINT in exec form');
    const [sh, flag, script] = JSON.parse(entry[1] as string) as string[];
    assert.deepEqual([sh, flag], ['/bin/sh', '-c']);
    // exec: the shell only expands ENTRY and is replaced by node.
    assert.match(script as string, /^exec node "\$ENTRY"/);
  });
});

const stageRoot = mkdtempSync(join(tmpdir(), 'converge-image-'));
after(() => rmSync(stageRoot, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules') return [];
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

for (const { image, ws, process, port } of images) {
  describe(`${image}: skaffold's build args and what the image ships`, () => {
    const deployment = (process.node.findChild('deployment') as ApiObject).toJson() as any;
    const command: string[] = deployment.spec.template.spec.containers[0].command;
    const artifact = artifacts.find((a) => a.image === image);

    test('the build args name the workspace, the chart port and the file the chart command runs', () => {
      assert.ok(artifact, `skaffold.yaml builds ${image}`);
      assert.equal(artifact.context, '.');
      assert.equal(artifact.docker.dockerfile, 'Dockerfile');
      assert.deepEqual(command.slice(0, 1), ['node']);
      assert.equal(command.length, 2);
      assert.deepEqual(artifact.docker.buildArgs, { WORKSPACE: ws, PORT: String(port), ENTRY: command[1] });
    });

    test('DEPLOY.md builds it by hand with the same args', () => {
      const line = `docker build --build-arg WORKSPACE=${ws} --build-arg PORT=${port} --build-arg ENTRY=${command[1]} -t $REGISTRY/${image}:$GIT_SHA .`;
      assert.ok(readFileSync(join(REPO, 'cdk8s', 'DEPLOY.md'), 'utf8').split('\n').includes(line), line);
    });

    test('docker/runtime-files.sh stages the entry and the workspaces it needs, without tests or fakes', () => {
      const out = join(stageRoot, image);
      const r = spawnSync('bash', [join(REPO, 'docker', 'runtime-files.sh'), ws, out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(join(out, ws, command[1] as string)), `${ws}/${command[1]} is built by make build and shipped`);
      const deps = JSON.parse(readFileSync(join(REPO, ws, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      for (const dep of Object.keys(deps.dependencies ?? {}).filter((d) => d.startsWith('@converge/'))) {
        const dir = dep.replace('@converge/', 'packages/');
        assert.ok(existsSync(join(out, dir, 'package.json')) && existsSync(join(out, dir, 'dist')), `${dep} ships`);
      }
      assert.equal(existsSync(join(out, 'packages', 'testing')), false, 'the dev-only @converge/testing stays out');

      const files = filesUnder(out);
      const shipped = files.map((f) => relative(out, f));
      assert.deepEqual(shipped.filter((f) => /(^|\/)dist(-test)?\/test\/|(^|\/)dist-test\/|\.test\.|\.fakes\./.test(f)), []);
      // What was pruned is not what the shipped code loads: every relative require resolves.
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/require\("(\.\.?\/[^"]*)"\)/g)) {
          const target = resolve(dirname(file), m[1] as string);
          const found = ['', '.js', '.json', '/index.js'].some((ext) => existsSync(target + ext));
          assert.ok(found, `${relative(out, file)} requires ${m[1]}, which is not shipped`);
        }
      }
    });
  });
}

describe('converge-postgres: the operator image with PostgreSQL, for the instance pods', () => {
  const artifact = artifacts.find((a) => a.image === 'converge-postgres');
  const dockerfile = readFileSync(join(REPO, 'hack', 'images', 'postgres', 'Dockerfile'), 'utf8');

  test("skaffold builds it from hack/images/postgres on top of the operator's image", () => {
    assert.ok(artifact, 'skaffold.yaml builds converge-postgres');
    assert.equal(artifact.context, 'hack/images/postgres');
    assert.deepEqual(artifact.requires, [{ image: 'converge-operator', alias: 'BASE' }]);
    assert.match(dockerfile, /^ARG BASE\nFROM \$\{BASE\}$/m, 'the alias is the base image build arg');
  });

  test('the agent the instance pods run ships in the operator image', () => {
    const out = join(stageRoot, 'converge-postgres');
    const r = spawnSync('bash', [join(REPO, 'docker', 'runtime-files.sh'), 'operator', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The pod builder's command (operator/src/builders/instance.ts) runs /app/operator/dist/src/agent/main.js.
    assert.ok(existsSync(join(out, 'operator', 'dist', 'src', 'agent', 'main.js')));
  });
});

describe('converge-redis: Redis and Sentinel, for the RedisSentinel pods', () => {
  const artifact = artifacts.find((a) => a.image === 'converge-redis');
  const dockerfile = readFileSync(join(REPO, 'hack', 'images', 'redis', 'Dockerfile'), 'utf8');

  test('skaffold builds it from hack/images/redis on a Debian base with Redis 7 (the recipe build.sh uses)', () => {
    assert.ok(artifact, 'skaffold.yaml builds converge-redis');
    assert.equal(artifact.context, 'hack/images/redis');
    assert.match(dockerfile, /^ARG BASE\nFROM \$\{BASE\}$/m, 'the base is a build arg');
    // bookworm: Debian's redis-server there is 7.0, what hack/images/build.sh's converge-local/redis:7 runs.
    assert.match(artifact.docker.buildArgs.BASE, /debian:bookworm/);
  });

  test("the image's user and entrypoint are the ones the operator's pods run", () => {
    // operator/src/redis/builders/statefulsets.ts runs uid 10233, `sentinel` as args, /usr/local/bin/healthcheck.
    assert.match(dockerfile, /^USER 10233:10233$/m);
    assert.match(dockerfile, /COPY healthcheck\.sh \/usr\/local\/bin\/healthcheck/);
    const entrypoint = readFileSync(join(REPO, 'hack', 'images', 'redis', 'entrypoint.sh'), 'utf8');
    for (const mode of ['server', 'sentinel']) assert.match(entrypoint, new RegExp(`^    ${mode}\\)`, 'm'), mode);
  });
});

test('.dockerignore keeps build output and secrets out of the context, and the build scripts in', () => {
  const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
  for (const p of ['**/node_modules', '**/dist', '**/*.pem', '.git']) assert.ok(ignore.includes(p), p);
  for (const p of ['hack', 'docker', 'packages', 'Dockerfile']) assert.equal(ignore.some((l) => l === p || l === `${p}/`), false, p);
});
