// The k6 stand-in's command line, shaped like `k6 run`: `node main.js run [-e KEY=VALUE]... script.js`.
// A stand-in for the few k6 APIs our scripts use (see README), so CI runs the same script files that
// users run with their own k6; k6 itself (AGPL) is never built or run here.
import { runScript } from './runner';

function usage(): number {
  console.error('usage: k6-standin run [-e KEY=VALUE]... <script.js>');
  return 2;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'run') return usage();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  let script: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-e' || a === '--env') {
      const kv = argv[++i] ?? '';
      const eq = kv.indexOf('=');
      if (eq <= 0) {
        console.error(`k6 stand-in: ${a} takes KEY=VALUE, got "${kv}"`);
        return usage();
      }
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('-')) {
      console.error(`k6 stand-in: unknown flag ${a}`);
      return usage();
    } else if (script) return usage();
    else script = a;
  }
  if (!script) return usage();
  return runScript(script, { env, write: (t) => process.stdout.write(t), cwd: process.cwd() });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Sockets a script left open would keep Node alive; k6 would have ended by now too.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    console.error(`k6 stand-in: ${(e as Error).stack ?? String(e)}`);
    process.exit(107);
  },
);
