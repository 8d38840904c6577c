import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ApiObject, App } from 'cdk8s';
import { ConvergeChart, PORTS } from '../src/charts/converge-chart';
import { APP_UID } from '../src/constructs/pod-security';
import { REPO } from './support/paths';

// No Docker here: instead, each Dockerfile is checked against what the tests build and what the
// chart runs, so the three cannot drift apart.
const chart = new ConvergeChart(new App(), 'converge');
const images = [
  { ws: 'services/user', process: chart.user, port: PORTS.user },
  { ws: 'services/chat', process: chart.chat, port: PORTS.chat },
  { ws: 'web', process: chart.web, port: PORTS.web },
];

for (const { ws, process, port } of images) {
  describe(`${ws}/Dockerfile`, () => {
    const text = readFileSync(join(REPO, ws, 'Dockerfile'), 'utf8');
    const deployment = (process.node.findChild('deployment') as ApiObject).toJson() as any;
    const command: string[] = deployment.spec.template.spec.containers[0].command;

    test('builds with the same npm targets as make build, then keeps production dependencies only', () => {
      assert.match(text, /bash hack\/deps\.sh/);
      assert.match(text, new RegExp(`npm run build --silent (-w \\S+ )*-w ${ws}\\b`));
      assert.match(text, new RegExp(`npm ci --omit=dev --workspace ${ws} `));
      assert.ok((text.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
    });

    test('runs as the numeric non-root user the chart expects, on the chart port', () => {
      assert.match(text, new RegExp(`^USER ${APP_UID}:${APP_UID}$`, 'm'));
      assert.match(text, new RegExp(`^EXPOSE ${port}$`, 'm'));
    });

    test('its entrypoint is the chart command, and that file exists after the build', () => {
      const entry = /^ENTRYPOINT (\[.*\])$/m.exec(text);
      assert.ok(entry, 'ENTRYPOINT in exec form');
      assert.deepEqual(JSON.parse(entry[1] as string), command);
      assert.match(text, new RegExp(`^WORKDIR /app/${ws}$`, 'm'));
      assert.ok(existsSync(join(REPO, ws, command[1] as string)), `${ws}/${command[1]} is built by make build`);
    });
  });
}

test('.dockerignore keeps build output and secrets out of the context', () => {
  const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
  for (const p of ['**/node_modules', '**/dist', '**/*.pem', '.git']) assert.ok(ignore.includes(p), p);
});
