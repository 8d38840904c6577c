// What the chart ships from observability/: the generated dashboards and the rule files, read at synth
// time so the committed chart stays in step with them (chart-fresh.test.ts fails otherwise).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

// Compiled to cdk8s/dist/src/charts: the repository root is four levels up.
export const OBSERVABILITY_DIR = resolve(__dirname, '..', '..', '..', '..', 'observability');
/** Recording rules first: the alerts use their series. */
export const RULE_FILES = ['converge.rules.yaml', 'converge.alerts.yaml'] as const;

/** One dashboard: its file name (`platform.json`) and its JSON text, as committed. */
export interface DashboardSource {
  readonly file: string;
  readonly json: string;
}

/** A Prometheus rule group as the rule files write it (and as PrometheusRule's spec.groups takes it). */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<Record<string, unknown>>;
  [k: string]: unknown;
}

export function dashboardSources(dir = join(OBSERVABILITY_DIR, 'dashboards')): DashboardSource[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no dashboards in ${dir} (run npm run dashboards -w @converge/observability)`);
  return files.map((file) => {
    const json = readFileSync(join(dir, file), 'utf8');
    JSON.parse(json); // a broken file fails the synth, not Grafana
    return { file, json };
  });
}

/** The groups of every rule file, in RULE_FILES order; a group name used twice is refused (Prometheus would). */
export function ruleGroups(dir = join(OBSERVABILITY_DIR, 'rules')): RuleGroup[] {
  const groups = RULE_FILES.flatMap((f) => {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups?: RuleGroup[] } | null;
    if (!Array.isArray(doc?.groups)) throw new Error(`${f}: no groups`);
    return doc.groups;
  });
  const seen = new Set<string>();
  for (const g of groups) {
    if (seen.has(g.name)) throw new Error(`rule group ${g.name} is defined twice`);
    seen.add(g.name);
  }
  return groups;
}
