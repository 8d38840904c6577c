import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Dockerd, ensureImages } from '@converge/testing/images';
import { exchangeAcross } from './support/chat-flow';
import { ComposeStack, LONG_RUNNING, ONE_SHOT, composeInterfaces } from './support/compose';

// compose.yaml as a person runs it (`docker-compose up -d`, Debian's 1.29) against the harness's
// dockerd, from the images this run built: every service comes up healthy through its own health
// check, the published ports answer on 127.0.0.1, the shared end-to-end chat flow (chat-flow) runs
// across chat-1, chat-2 and the web proxy, and `down -v` leaves nothing behind.
describe('Docker Compose (compose.yaml on the harness dockerd)', { timeout: 30 * 60_000 }, () => {
  let dockerd: Dockerd | undefined;
  let stack: ComposeStack | undefined;

  before(async () => {
    const images = ensureImages(['postgres', 'redis', 'nats', 'user', 'chat', 'web']);
    dockerd = Dockerd.start();
    dockerd.load(Object.values(images));
    stack = await ComposeStack.up(dockerd);
  });

  after(() => {
    // A failing test still tears everything down (and a leak still fails the run).
    try {
      if (stack) stack.down();
    } finally {
      dockerd?.stop();
    }
  });

  test('every service is healthy through its own health check, both migrations ran once', () => {
    const s = stack!.states();
    for (const n of LONG_RUNNING) assert.equal(s[n], 'healthy', n);
    for (const n of ONE_SHOT) assert.equal(s[n], 'exited 0', n);
  });

  test('every container runs as a numeric non-root user on a read-only root', () => {
    const ids = dockerd!.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${stack!.project}`]).stdout.split('\n').filter(Boolean);
    assert.equal(ids.length, LONG_RUNNING.length);
    for (const id of ids) {
      const [service, readOnly] = dockerd!.docker(['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} {{.HostConfig.ReadonlyRootfs}}', id]).stdout.trim().split(' ');
      assert.equal(readOnly, 'true', `${service} read-only`);
      const uid = dockerd!.docker(['exec', id, 'id', '-u']).stdout.trim();
      assert.match(uid, /^[1-9][0-9]*$/, `${service} runs as uid ${uid}`);
    }
  });

  test('the published ports answer on 127.0.0.1: user, chat-1, chat-2 and web (which proxies the API)', async () => {
    const { user, chat, web } = stack!.urls;
    for (const base of [user, ...chat, web]) {
      const r = await fetch(`${base}/readyz`);
      assert.equal(r.status, 200, `${base}/readyz`);
    }
    const page = await fetch(`${web}/`);
    assert.match(await page.text(), /<!doctype html/i);
    // Through web's proxy to the user service: the key the two chat instances verify tokens with.
    const jwks = (await (await fetch(`${web}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    assert.equal(jwks.keys.length, 1);
  });

  test('end to end: users on chat-1, chat-2 and the web proxy see every message once and in order', async () => {
    const { user, chat, web } = stack!.urls;
    const r = await exchangeAcross({
      apiUrl: web,
      authUrl: user,
      endpoints: [
        { name: 'alice@chat-1', url: chat[0] },
        { name: 'bob@chat-2', url: chat[1] },
        { name: 'carol@web', url: web },
      ],
      rounds: 10,
      label: 'compose',
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.acked.length, 30);
  });

  test('down -v removes every container, volume, network and interface of the project', () => {
    const project = stack!.project;
    assert.ok(stack!.leftovers().length > 0, 'the stack is up before down');
    const left = stack!.down();
    stack = undefined;
    assert.deepEqual(left, [], `left behind by ${project}`);
    assert.deepEqual(composeInterfaces(), []);
  });
});
