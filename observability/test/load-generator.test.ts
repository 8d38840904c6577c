// `make load`'s generator, run as its command line against a running stack (user + two chat pods, see
// live-stack.ts) for a few seconds: its summary JSON shows every acked message delivered to every
// other member, on both pods, with no error. A second run with the same prefix logs the same users in
// and finds the same rooms (the user service allows few registrations per IP an hour).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { LoadSummary } from '../src/load/load-summary';
import { type LiveStack, startStack } from './live-stack';

const run = promisify(execFile);
const MAIN = join(__dirname, '../src/load/main.js');
let stack: LiveStack;
let dir: string;

before(async () => {
  stack = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'converge-load-'));
});
after(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function load(out: string, extra: string[] = []): Promise<{ summary: LoadSummary; stdout: string; stderr: string }> {
  const args = [MAIN, '--user-url', stack.user.url, '--chat-url', stack.chats.map((c) => c.url).join(','), '--users', '6', '--rooms', '2', '--room-size', '3'];
  const { stdout, stderr } = await run(process.execPath, [...args, '--rate', '10', '--duration', '3', '--workers', '2', '--prefix', 'lt', '--out', out, ...extra], {
    timeout: 90_000,
  });
  return { summary: JSON.parse(readFileSync(out, 'utf8')) as LoadSummary, stdout, stderr };
}

test('a short run delivers every acked message to the other members, with no errors, and writes its figures', async () => {
  const out = join(dir, 'first.json');
  const { summary, stdout, stderr } = await load(out);
  assert.equal(summary.setup.socketsOpen, 6);
  assert.equal(summary.errors.total, 0, JSON.stringify(summary.errors));
  assert.ok(summary.sent >= 25 && summary.sent <= 35, `about 10/s for 3 s, sent ${summary.sent}`);
  assert.equal(summary.acked, summary.sent);
  // Rooms of 3: every acked message reaches the 2 other members.
  assert.equal(summary.expectedDeliveries, summary.acked * 2);
  assert.equal(summary.delivered, summary.expectedDeliveries);
  assert.equal(summary.deliveryLatencyMs.count, summary.delivered);
  assert.ok(summary.deliveryLatencyMs.p50Ms > 0 && summary.deliveryLatencyMs.p99Ms >= summary.deliveryLatencyMs.p95Ms);
  assert.ok(summary.msgsPerSec > 5, `msgs/s ${summary.msgsPerSec}`);
  assert.match(stdout, /delivery p50 \/ p95 \/ p99/);
  assert.ok(stdout.includes(`summary JSON: ${out}`));
  assert.match(stderr, /sent \d+ acked \d+ delivered \d+ .* msgs\/s errors 0 reconnects 0/);
});

/** A counter of the user service's /metrics, summed over the series whose labels include `match`. */
async function userCounter(name: string, match = ''): Promise<number> {
  const text = await (await fetch(`${stack.user.metricsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(match))
    .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
}

test('a second run with the same prefix logs the same users in and reuses the rooms, without failed logins', async () => {
  const first = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as LoadSummary;
  const { summary } = await load(join(dir, 'second.json'));
  assert.equal(summary.errors.total, 0);
  // Deliveries are counted for this run's messages only, so the first run's history does not count.
  assert.equal(summary.delivered, summary.acked * 2);
  assert.ok(first.delivered > 0);
  // Each user registered once; the one failed login is the first run's probe of its first user.
  // (Logging in users that do not exist yet would lock this IP out after 100 failed logins.)
  assert.equal(await userCounter('user_registrations_total'), 6);
  assert.equal(await userCounter('user_logins_total', 'outcome="bad_credentials"'), 1);
  assert.equal(await userCounter('user_logins_total', 'outcome="ok"'), 6);
});

test('a target that is not this machine is refused before anything is sent', async () => {
  await assert.rejects(run(process.execPath, [MAIN, '--chat-url', 'http://10.0.0.1:3002'], { timeout: 10_000 }), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /refusing to load http:\/\/10\.0\.0\.1:3002: not this machine .*--allow-remote/);
    return true;
  });
});
