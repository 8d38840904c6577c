import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { find, renderChart } from './support/helm';

// The rendered nats.conf is parsed by a real nats-server (`-t` checks the file and exits).
test('the rendered nats.conf is a valid NATS server configuration', (t) => {
  const which = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) return t.skip('nats-server is not installed');
  const conf: string = find(renderChart({ nats: { replicas: 5 } }), 'ConfigMap', 'conv-nats-config').data['nats.conf'];
  const dir = mkdtempSync(join(tmpdir(), 'converge-nats-conf-'));
  try {
    writeFileSync(join(dir, 'nats.conf'), conf);
    const r = spawnSync('nats-server', ['-c', join(dir, 'nats.conf'), '-t'], {
      encoding: 'utf8',
      timeout: 10_000,
      // What the StatefulSet gives each server: its name, and the client password from the Secret.
      env: { ...process.env, SERVER_NAME: 'conv-nats-0', NATS_PASSWORD: 'from-the-secret' },
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /is valid/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
