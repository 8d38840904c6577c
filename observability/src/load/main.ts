// `make load`: the load generator's command line (flags in load-options.ts). Prints setup steps and a
// live progress line on stderr, then the summary table on stdout and the path of the summary JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OptionsError, parseLoadOptions, USAGE } from './load-options';
import { runLoad } from './load-run';
import { renderTable } from './load-summary';

async function main(): Promise<number> {
  let o;
  try {
    o = parseLoadOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    if (e.message) console.error(`load: ${e.message}`);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const summary = await runLoad(o, {
    log: (line) => console.error(line),
    progress: (line) => {
      // On a terminal one line rewritten in place; in a log a line every 5 s.
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (Date.now() - lastLine >= 5000) {
        lastLine = Date.now();
        console.error(line);
      }
    },
  });
  if (tty) process.stderr.write('\n');
  const out = resolve(o.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
  console.log(renderTable(summary));
  console.log(`summary JSON: ${out}`);
  return summary.delivered > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`load: ${(e as Error).message}`);
    process.exit(1);
  },
);
