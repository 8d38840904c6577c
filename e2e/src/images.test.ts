import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dockerd, ensureImages, type ImageEntry } from '@converge/testing/images';
import { REPO } from './support/compose';
import { imageConfig, imageFiles } from './support/image-tarball';

// The images as they ship (their `docker save` tarballs, built or cached by hack/images/build.sh) and
// as they run: a numeric non-root user the chart's runAsNonRoot can check, nothing of the tests inside,
// and each starts on a read-only root filesystem and serves (hack/images/check.sh, the same check the
// build runs, run again here against the cached tarballs).
const PRODUCT = ['user', 'chat', 'web'] as const;
const BACKENDS = ['postgres', 'redis', 'nats'] as const;
/** The uid each image runs as: the chart's APP_UID for the Node processes, the chart's NATS uid. */
const UIDS: Record<string, number> = { user: 10001, chat: 10001, web: 10001, postgres: 10232, redis: 10233, nats: 10222 };

describe('images (hack/images/build.sh)', { timeout: 45 * 60_000 }, () => {
  let images: Record<(typeof PRODUCT)[number] | (typeof BACKENDS)[number], ImageEntry>;
  let dockerd: Dockerd | undefined;

  before(() => {
    images = ensureImages([...BACKENDS, ...PRODUCT]);
  });
  after(() => dockerd?.stop());

  for (const name of [...PRODUCT, ...BACKENDS]) {
    test(`${name}: runs as the numeric non-root uid ${UIDS[name]}`, () => {
      const user = imageConfig(images[name].tar).User ?? '';
      assert.match(user, /^[0-9]+(:[0-9]+)?$/, `USER ${user} is numeric`);
      assert.equal(Number(user.split(':')[0]), UIDS[name]);
    });
  }

  for (const name of PRODUCT) {
    test(`${name}: ships no tests, fakes, test builds or @converge/testing`, () => {
      const files = imageFiles(images[name].tar).filter((f) => f.startsWith('app/'));
      assert.ok(files.some((f) => /^app\/(services\/\w+|web)\/dist/.test(f)), 'the build output is there');
      // Ours: everything outside node_modules (a workspace's nested node_modules is npm's too, e.g.
      // packages/runtime/node_modules/@opentelemetry/*, which ships its own compiled tests).
      const ours = files.filter((f) => !f.includes('/node_modules/') || /\/node_modules\/@converge\/[^/]+\/(?!node_modules\/)/.test(f));
      assert.deepEqual(ours.filter((f) => /\.test\.|\.fakes\.|(^|\/)dist-test\/|\/dist\/test\/|\.tsbuildinfo$|\.ts$(?<!\.d\.ts)/.test(f)), []);
      assert.deepEqual(files.filter((f) => /(^|\/)(packages\/testing|node_modules\/@converge\/testing)(\/|$)/.test(f)), []);
      // What runs in a pod is what docker/runtime-files.sh staged: no sources, no build scripts.
      assert.deepEqual(files.filter((f) => /^app\/(hack|docker|src|e2e|cdk8s|bench)\//.test(f)), []);
    });
  }

  test('every image starts read-only as its user and serves (check.sh, as the build ran it)', () => {
    dockerd = Dockerd.start();
    dockerd.load(Object.values(images));
    for (const name of [...BACKENDS, ...PRODUCT]) {
      const r: SpawnSyncReturns<string> = spawnSync('bash', [join(REPO, 'hack', 'images', 'check.sh'), name, images[name].ref], {
        env: dockerd.env,
        encoding: 'utf8',
        timeout: 5 * 60_000,
      });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    }
  });

  test('a write to the root filesystem of a product image fails: the root is read-only', () => {
    const r = dockerd!.docker(
      ['run', '--rm', '--read-only', '--network', 'none', '--entrypoint', 'node', images.chat.ref, '-e', "require('fs').writeFileSync('/app/x', '')"],
      { allowFail: true },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /EROFS|read-only file system/i);
  });
});
