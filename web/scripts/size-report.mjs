// Prints the size of what the web build ships, raw and gzipped (level 9, as a CDN or the Ingress
// would serve it), one row per asset and the JS total; fails when the JS passes the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const BUDGET_KB = Number(process.env.WEB_JS_BUDGET_KB ?? 100);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const rows = walk(dist)
  .filter((p) => /\.(js|css|html|json)$/.test(p))
  .map((p) => {
    const buf = readFileSync(p);
    return { file: relative(dist, p), raw: buf.length, gz: gzipSync(buf, { level: 9 }).length };
  })
  .sort((a, b) => b.gz - a.gz);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const w = Math.max(...rows.map((r) => r.file.length), 5);
console.log(`\n${'asset'.padEnd(w)}  ${'raw'.padStart(10)}  ${'gzip'.padStart(10)}`);
for (const r of rows) console.log(`${r.file.padEnd(w)}  ${kb(r.raw).padStart(10)}  ${kb(r.gz).padStart(10)}`);
const js = rows.filter((r) => r.file.endsWith('.js'));
const jsGz = js.reduce((s, r) => s + r.gz, 0);
// Data files (the emoji catalogue) are fetched on demand, not code: listed, outside the JS budget.
const allGz = rows.filter((r) => !r.file.endsWith('.json')).reduce((s, r) => s + r.gz, 0);
console.log(`${'total JS'.padEnd(w)}  ${kb(js.reduce((s, r) => s + r.raw, 0)).padStart(10)}  ${kb(jsGz).padStart(10)}`);
console.log(`${'total (JS+CSS+HTML)'.padEnd(w)}  ${''.padStart(10)}  ${kb(allGz).padStart(10)}`);
console.log(`web JS shipped: ${kb(jsGz)} gzipped (budget ${BUDGET_KB} KB)\n`);
if (jsGz > BUDGET_KB * 1024) {
  console.error(`web JS is over its ${BUDGET_KB} KB gzip budget`);
  process.exit(1);
}
