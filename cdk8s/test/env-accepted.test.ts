import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { everyKnob, everyOperatorKnob } from './support/knobs';
import { type K8sObject, renderChart } from './support/helm';
import { REPO } from './support/paths';

// The chart and the processes meet only through environment variables: each container's env, as
// rendered, must pass the process's own config parser (the one that stops a pod at start with a
// message naming the variable), or a release would crash-loop however valid its manifests are.
const PARSERS: Record<string, { module: string; fn: string }> = {
  user: { module: 'services/user/dist/src/config.js', fn: 'loadUserConfig' },
  chat: { module: 'services/chat/dist/src/config.js', fn: 'loadChatConfig' },
  web: { module: 'web/dist-server/config.js', fn: 'loadWebConfig' },
};

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown; fieldRef?: unknown } };

/** What the kubelet would hand the process: Secret and field references stand in as plain strings. */
function containerEnv(env: EnvVar[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) out[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? 'from-a-secret' : 'from-a-field');
  return out;
}

function parse(process: string, env: Record<string, string>): { ok: boolean; output: string } {
  const p = PARSERS[process];
  assert.ok(p, `a config parser is known for ${process}`);
  const file = join(REPO, p.module);
  assert.ok(existsSync(file), `${p.module} is built (make build)`);
  const r = spawnSync(
    'node',
    ['-e', `require(${JSON.stringify(file)}).${p.fn}(process.env); console.log('config accepted')`],
    { env: { PATH: globalThis.process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 },
  );
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function containers(objs: K8sObject[]): { process: string; name: string; env: Record<string, string> }[] {
  return objs
    // The operator reads its few variables in main.ts, without a parser of its own: the operator-mode
    // render test checks them, and the operator-mode cluster test runs it with them.
    .filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] !== 'operator')
    .flatMap((d) => {
      const spec = d.spec.template.spec;
      const process = d.metadata.labels?.['app.kubernetes.io/component'] ?? '';
      return [...(spec.initContainers ?? []), ...spec.containers].map((c: { name: string; env?: EnvVar[] }) => ({
        process,
        name: `${d.metadata.name}/${c.name}`,
        env: containerEnv(c.env),
      }));
    });
}

describe('every container env the chart renders is accepted by its process', () => {
  for (const [label, values] of [
    ['defaults (the operator runs PostgreSQL and Redis)', undefined],
    ['dataLayer.mode=external', { dataLayer: { mode: 'external' } }],
    ['every knob changed', everyKnob],
    ['PostgreSQL by the operator, Redis external', { dataLayer: { mode: 'operator', redis: { mode: 'external' } } }],
    ['Redis by the operator, PostgreSQL external', { dataLayer: { mode: 'external', redis: { mode: 'operator' } } }],
    ['every operator knob changed', everyOperatorKnob],
  ] as const) {
    test(label, () => {
      const all = containers(renderChart(values));
      assert.deepEqual([...new Set(all.map((c) => c.process))].sort(), ['chat', 'user', 'web']);
      for (const c of all) {
        const r = parse(c.process, c.env);
        assert.ok(r.ok, `${c.name}: ${r.output}`);
      }
    });
  }

  test('the check itself catches a value the process refuses', () => {
    const chat = containers(renderChart()).find((c) => c.process === 'chat');
    assert.ok(chat);
    const r = parse('chat', { ...chat.env, SEND_BURST: 'lots' });
    assert.equal(r.ok, false);
    assert.match(r.output, /SEND_BURST/);
  });
});
