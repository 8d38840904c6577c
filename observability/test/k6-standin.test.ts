// The k6 scripts under the k6 stand-in (src/k6-standin), as CI runs them: the smoke script against a
// running stack (user + two chat pods, live-stack.ts) passes every threshold and writes its
// handleSummary JSON; the same script with a delivery threshold no server can meet exits 99 (so the
// check can fail); a script with a broken threshold fails it while the others stay ok.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SummaryData } from '../src/k6-standin/summary-data';
import { type LiveStack, startStack } from './live-stack';

const STANDIN = join(__dirname, '../src/k6-standin/main.js');
const K6 = join(__dirname, '../../k6');
let stack: LiveStack | undefined;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'converge-k6-'));
});
after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function standin(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [STANDIN, 'run', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), script];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const readSummary = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as SummaryData;

test('a threshold that cannot hold fails the run (exit 99) and only that threshold', async () => {
  const r = await standin(join(__dirname, '../../test/fixtures/broken-threshold.js'), { SUMMARY_JSON: 'broken.json' });
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stderr, /thresholds on metrics have been crossed/);
  const s = readSummary('broken.json');
  assert.deepEqual(s.metrics.fixture_latency?.thresholds, { 'p(95)<0': { ok: false }, 'max<1000': { ok: true } });
  assert.deepEqual(s.metrics.fixture_done?.thresholds, { 'count==6': { ok: true } });
  assert.equal(s.metrics.fixture_latency?.values.max, 30);
  assert.equal(s.metrics.iterations?.values.count, 6);
  assert.deepEqual(s.metrics.checks?.thresholds, { 'rate==1': { ok: true } });
});

test('a threshold the script builds wrong is a config error (exit 104), before anything runs', async () => {
  const r = await standin(join(K6, 'smoke.js'), { USER_URL: 'http://127.0.0.1:9', ACK_P95_MS: 'x' });
  assert.equal(r.code, 104, r.stderr);
  assert.match(r.stderr, /cannot parse threshold "p\(95\)<NaN"/);
});

test('the k6 smoke script passes its thresholds against a running stack', { timeout: 240_000 }, async () => {
  stack = await startStack();
  const env = { USER_URL: stack.user.url, CHAT_URLS: stack.chats.map((c) => c.url).join(','), SUMMARY_JSON: 'smoke.json' };
  const r = await standin(join(K6, 'smoke.js'), env);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /summary JSON: smoke\.json/);
  const s = readSummary('smoke.json');
  for (const [name, m] of Object.entries(s.metrics)) for (const [t, v] of Object.entries(m.thresholds ?? {})) assert.equal(v.ok, true, `${name} ${t}`);
  // 2 VUs × 10 messages, each delivered to the VU's other user, on the other pod.
  assert.equal(s.metrics.chat_messages_delivered?.values.count, 20);
  assert.equal(s.metrics.chat_delivery_latency?.contains, 'time');
  assert.ok((s.metrics.ws_sessions?.values.count ?? 0) >= 4);
  assert.ok(s.root_group.checks.every((c) => c.fails === 0 && c.passes > 0));

  // The same script again (the users now log in), with a delivery latency no server meets.
  const strict = await standin(join(K6, 'smoke.js'), { ...env, DELIVERY_P95_MS: '0', SUMMARY_JSON: 'strict.json' });
  assert.equal(strict.code, 99, strict.stderr);
  const st = readSummary('strict.json');
  assert.equal(st.metrics.chat_delivery_latency?.thresholds?.['p(95)<0']?.ok, false);
  assert.equal(st.metrics.chat_messages_delivered?.thresholds?.['count>=20']?.ok, true);
  // Each VU's first run probed one login (user "a") and registered both; the second logged in only.
  const metrics = await (await fetch(`${stack.user.metricsUrl}/metrics`)).text();
  assert.match(metrics, /^user_logins_total\{[^}]*outcome="bad_credentials"[^}]*\} 2$/m);
  assert.match(metrics, /^user_registrations_total(\{[^}]*\})? 4$/m);
});
