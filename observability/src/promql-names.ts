// The series names a PromQL expression reads, without a PromQL parser: enough for the expressions of
// our rules and dashboards (checked against docs/METRICS.md here, and against a real Prometheus's
// parser in test/live-prometheus.test.ts).

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** Metric names in `expr`: identifiers that are not functions, keywords, label names or grouping labels. */
export function seriesNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals (label values, regexes)
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range selectors and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping label lists
    .replace(/\boffset\s+\d+[smhdwy]/g, ' ')
    .replace(/\$\w+/g, ' '); // dashboard variables
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or an aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word)) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** A histogram's series (`x_bucket`, `x_count`, `x_sum`) are documented under their base name `x`. */
export function documentedName(series: string): string {
  return series.replace(/_(bucket|count|sum)$/, '');
}
