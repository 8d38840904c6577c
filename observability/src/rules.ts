import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** observability/rules, where the rule files and their promtool tests live. */
export const RULES_DIR = join(__dirname, '../../rules');
export const RULE_FILES = ['converge.rules.yaml', 'converge.alerts.yaml'] as const;

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every rule of every rule file, in order. */
export function loadRules(dir = RULES_DIR): Rule[] {
  return RULE_FILES.flatMap((f) => {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups: Array<{ rules: Rule[] }> };
    return doc.groups.flatMap((g) => g.rules);
  });
}
