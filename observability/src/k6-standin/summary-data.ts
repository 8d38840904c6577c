// What k6 hands to handleSummary(data), built from the stand-in's store: metrics with their values
// and threshold verdicts, the root group's checks, the run's duration. And k6's end-of-test text when
// a script has no handleSummary. Pure.
import { createHash } from 'node:crypto';
import type { CheckCount } from './k6-modules';
import { type MetricDef, matchesTags, metricValues } from './metrics';
import { type MetricKey, type Threshold, thresholdHolds } from './thresholds';

export interface SummaryMetric {
  type: MetricDef['type'];
  contains: MetricDef['contains'];
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: { name: string; path: string; id: string; groups: unknown[]; checks: Array<CheckCount & { path: string; id: string }> };
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
}

export interface ThresholdSet {
  key: string;
  metric: MetricKey;
  list: Threshold[];
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Summary values and verdicts for every metric with samples or thresholds; `ok` false if any threshold failed. */
export function buildSummary(
  metrics: Map<string, MetricDef>,
  thresholds: ThresholdSet[],
  checks: CheckCount[],
  durationMs: number,
): { data: SummaryData; ok: boolean } {
  const out: Record<string, SummaryMetric> = {};
  let ok = true;
  const sec = durationMs / 1000;
  const withThresholds = new Set(thresholds.map((t) => t.key));
  for (const def of metrics.values()) {
    if (def.samples.length === 0 && !withThresholds.has(def.name)) continue;
    out[def.name] = { type: def.type, contains: def.contains, values: metricValues(def.type, def.samples, sec) };
  }
  for (const t of thresholds) {
    const def = metrics.get(t.metric.name);
    if (!def) continue;
    const samples = def.samples.filter((s) => matchesTags(s, t.metric.tags));
    const values = metricValues(def.type, samples, sec, t.list.map((x) => x.aggregation));
    const entry = (out[t.key] ??= { type: def.type, contains: def.contains, values });
    entry.values = { ...entry.values, ...values };
    entry.thresholds = {};
    for (const th of t.list) {
      const holds = thresholdHolds(th, values);
      ok &&= holds;
      entry.thresholds[th.source] = { ok: holds };
    }
  }
  return {
    ok,
    data: {
      root_group: { name: '', path: '', id: md5(''), groups: [], checks: checks.map((c) => ({ ...c, path: `::${c.name}`, id: md5(`::${c.name}`) })) },
      options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: true },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
      metrics: out,
    },
  };
}

function show(v: number, time: boolean): string {
  if (!Number.isFinite(v)) return '-';
  if (time) return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(2)}ms`;
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/** k6-like end-of-test text: thresholds with ✓/✗, checks, then every metric's values. */
export function textSummary(data: SummaryData): string {
  const lines: string[] = ['', '  THRESHOLDS (k6 stand-in)', ''];
  for (const [name, m] of Object.entries(data.metrics)) {
    if (!m.thresholds) continue;
    lines.push(`    ${name}`);
    for (const [src, r] of Object.entries(m.thresholds)) lines.push(`    ${r.ok ? '✓' : '✗'} '${src}'`);
  }
  lines.push('', '  CHECKS', '');
  for (const c of data.root_group.checks) lines.push(`    ${c.fails ? '✗' : '✓'} ${c.name} (${c.passes} passed, ${c.fails} failed)`);
  lines.push('', '  METRICS', '');
  for (const [name, m] of Object.entries(data.metrics)) {
    const vals = Object.entries(m.values)
      .map(([k, v]) => `${k}=${m.type === 'rate' && k === 'rate' ? `${(v * 100).toFixed(2)}%` : show(v, m.contains === 'time' && m.type === 'trend')}`)
      .join(' ');
    lines.push(`    ${name.padEnd(28, '.')} ${vals}`);
  }
  return lines.join('\n') + '\n';
}
