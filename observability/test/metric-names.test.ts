import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DASHBOARDS, dashboardQueries } from '../src/dashboards';
import { documentedName, seriesNames } from '../src/promql-names';
import { loadRules } from '../src/rules';

/** The series docs/METRICS.md lists: the first backticked name of each table row. */
function documented(): Set<string> {
  const md = readFileSync(join(__dirname, '../../../docs/METRICS.md'), 'utf8');
  return new Set([...md.matchAll(/^\| `([a-z_:]+)`/gm)].map((m) => m[1]!));
}

test('seriesNames finds the series and skips functions, keywords, labels and variables', () => {
  assert.deepEqual(
    seriesNames('histogram_quantile(0.99, sum by (le, path) (rate(chat_delivery_seconds_bucket{le="1",x=~"a|b"}[$__rate_interval])))'),
    ['chat_delivery_seconds_bucket'],
  );
  assert.deepEqual(seriesNames('count by (namespace) (a_role) unless count by (namespace) (a_role{role="primary"} == 1)'), ['a_role']);
  assert.deepEqual(seriesNames('sum(x offset 10m) < 0.5 * sum(y) and on() z:rec:rate5m > 50'), ['x', 'y', 'z:rec:rate5m']);
});

test('every series a rule or a panel reads is in docs/METRICS.md', () => {
  const names = documented();
  // Recorded series are checked by the next test; histograms are listed once; the defaults by one row.
  const recorded = new Set(loadRules().flatMap((r) => (r.record ? [r.record] : [])));
  const known = (s: string) =>
    recorded.has(s) || names.has(s) || names.has(documentedName(s)) || s.startsWith('process_') || s.startsWith('nodejs_');
  const exprs = [
    ...loadRules().map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    ...DASHBOARDS.flatMap((d) => dashboardQueries(d.build()).map((q) => ({ where: `${d.file} / ${q.panel}`, expr: q.expr }))),
  ];
  const missing = exprs.flatMap((e) => seriesNames(e.expr).filter((s) => !known(s)).map((s) => `${e.where}: ${s}`));
  assert.deepEqual(missing, []);
});

test('every recording rule is in docs/METRICS.md', () => {
  const md = readFileSync(join(__dirname, '../../../docs/METRICS.md'), 'utf8');
  for (const r of loadRules().filter((x) => x.record)) {
    const base = r.record!.replace(/:(ratio_rate|p50_rate|p99_rate)\w+$/, ':');
    assert.ok(md.includes(r.record!) || md.includes(base), `${r.record} is not documented`);
  }
});
