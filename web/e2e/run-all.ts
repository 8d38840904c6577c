// `npm test -w @converge/web`: every unit and e2e test file under one `node --test` (so the repo's
// test.sh reads one `# pass N` / `# fail N`), with one platform stack started here for the whole run.
// Starting the services, their databases, NATS and Redis costs 5-20 s on a busy 2-core box; once
// instead of once per file keeps the run short. The test that restarts the chat service still
// starts a stack of its own (@converge/testing/browser: useBrowserStack with or without ownStack).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missingBuilds, SHARED_STACK_ENV, type Stack, startStack } from '@converge/testing/browser';

// Compiled to web/e2e/dist/: two levels up is web/.
const WEB = resolve(__dirname, '..', '..');
/** The whole run is bounded: a stuck browser or service cannot hold `make test` forever. */
const RUN_TIMEOUT_MS = Number(process.env.E2E_RUN_TIMEOUT_MS ?? 15 * 60_000);

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join(dir, f))
    .sort();
}

async function main(): Promise<number> {
  const unit = testFiles(join(WEB, 'test', 'dist'));
  const e2e = testFiles(join(WEB, 'e2e', 'dist'));
  const env: NodeJS.ProcessEnv = { ...process.env };

  let stack: Stack | undefined;
  const missing = missingBuilds();
  if (e2e.length && missing.length === 0) {
    const t0 = Date.now();
    try {
      stack = await startStack('shared');
      env[SHARED_STACK_ENV] = JSON.stringify({ webUrl: stack.webUrl });
      console.log(`# e2e: shared stack up in ${Date.now() - t0} ms (web ${stack.webUrl})`);
    } catch (e) {
      // Each e2e file then tries a stack of its own and fails with the reason, counted as failures.
      console.log(`# e2e: the shared stack did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (e2e.length) {
    console.log(`# e2e: needs these built first: ${missing.join(', ')}`);
  }

  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...unit, ...e2e], { env, stdio: 'inherit' });
  const stopChild = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const timer = setTimeout(() => {
    console.log(`# e2e: the run passed ${RUN_TIMEOUT_MS} ms and was stopped`);
    stopChild('SIGKILL');
  }, RUN_TIMEOUT_MS);
  const onSignal = (signal: NodeJS.Signals) => stopChild(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await new Promise<number>((r) => child.once('exit', (c, s) => r(c ?? (s ? 1 : 0))));
  clearTimeout(timer);
  await stack?.close();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
