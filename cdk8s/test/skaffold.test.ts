import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { REPO, TOOLS_BIN } from './support/paths';
import { ensureTools } from '@converge/testing/kube';

// skaffold.yaml is checked by skaffold itself, offline: the config parses, and rendering builds no
// image and reaches no cluster (helm template of charts/converge with the image values set).
function skaffold(args: string[]) {
  const { skaffold: bin } = ensureTools('skaffold', 'helm');
  const r = spawnSync(bin, args, {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    // skaffold finds helm on PATH; no update check or metrics upload (no network here).
    env: { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH}`, SKAFFOLD_UPDATE_CHECK: 'false', SKAFFOLD_COLLECT_METRICS: 'false' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('skaffold diagnose --yaml-only accepts skaffold.yaml', () => {
  const r = skaffold(['diagnose', '--yaml-only']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /converge-user/);
});

for (const profile of [undefined, 'dev']) {
  test(`skaffold render --offline --digest-source=none${profile ? ` -p ${profile}` : ''} renders the chart with the built images`, () => {
    const r = skaffold(['render', '--offline', '--digest-source=none', ...(profile ? ['-p', profile] : [])]);
    assert.equal(r.status, 0, r.stderr);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
    const deps = objs.filter((o: any) => o.kind === 'Deployment');
    assert.equal(deps.length, 4, 'user, chat, web and the operator (the default data layer)');
    for (const d of deps) {
      const image: string = d.spec.template.spec.containers[0].image;
      // digest-source=none: the chart's references, which name the skaffold artifacts.
      assert.match(image, /^converge-(user|chat|web|operator):0\.1\.0$/, image);
      if (profile === 'dev') assert.equal(d.spec.replicas, 1);
    }
    if (profile === 'dev') {
      assert.equal(objs.some((o: any) => o.kind === 'HorizontalPodAutoscaler'), false);
      // A laptop runs one of each: one PostgreSQL instance, one Redis pod and one Sentinel.
      assert.equal(objs.find((o: any) => o.kind === 'PostgresCluster').spec.instances, 1);
      const rds = objs.find((o: any) => o.kind === 'RedisSentinel').spec;
      assert.deepEqual([rds.replicas, rds.sentinels, rds.quorum], [1, 1, 1]);
    }
  });
}

test('skaffold swaps its own image references into the chart (tags from the git tagger, nothing built)', () => {
  const r = skaffold(['render', '--offline', '--digest-source=tag']);
  assert.equal(r.status, 0, r.stderr);
  const objs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
  for (const d of objs.filter((o: any) => o.kind === 'Deployment')) {
    for (const c of [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])]) {
      assert.match(c.image, /^converge-(user|chat|web|operator):/);
      assert.doesNotMatch(c.image, /:0\.1\.0$/, `${c.image} was not replaced`);
    }
  }
});

test('skaffold render -p external: no operator, the three processes only', () => {
  const r = skaffold(['render', '--offline', '--digest-source=none', '-p', 'external']);
  assert.equal(r.status, 0, r.stderr);
  const objs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
  assert.deepEqual(objs.filter((o: any) => o.kind === 'Deployment').map((o: any) => o.metadata.name).sort(), ['converge-chat', 'converge-user', 'converge-web']);
  assert.equal(objs.some((o: any) => o.kind === 'PostgresCluster' || o.kind === 'RedisSentinel'), false);
});

test('skaffold render -p operator: the operator runs the images skaffold builds, PostgreSQL and Redis by value', () => {
  for (const [source, tag] of [['none', /:0\.1\.0$/], ['tag', /:[0-9a-f]{7,}(-dirty)?$/]] as const) {
    const r = skaffold(['render', '--offline', `--digest-source=${source}`, '-p', 'operator']);
    assert.equal(r.status, 0, r.stderr);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
    assert.ok(objs.some((o: any) => o.kind === 'PostgresCluster'), 'dataLayer.mode=operator');
    const op = objs.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'converge-operator');
    assert.ok(op, 'the operator Deployment');
    const c = op.spec.template.spec.containers[0];
    assert.match(c.image, /^converge-operator:/);
    assert.match(c.image, tag, `${source}: ${c.image}`);
    // An env var is no image field skaffold rewrites: setValueTemplates put the built reference there.
    const pgImage: string = c.env.find((e: any) => e.name === 'POSTGRES_IMAGE').value;
    assert.match(pgImage, /^converge-postgres:/);
    assert.match(pgImage, tag, `${source}: ${pgImage}`);
    // The Redis image: the operator's default and the RedisSentinel's own, the same reference.
    const redisImage: string = c.env.find((e: any) => e.name === 'REDIS_IMAGE').value;
    assert.match(redisImage, /^converge-redis:/);
    assert.match(redisImage, tag, `${source}: ${redisImage}`);
    assert.equal(objs.find((o: any) => o.kind === 'RedisSentinel').spec.image, redisImage);
  }
});
