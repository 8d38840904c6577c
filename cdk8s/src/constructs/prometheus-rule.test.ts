import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, EXPR_MARKER } from '../helm/expr';
import { chartRuleGroups } from './prometheus-rule';

const group = (annotations: Record<string, string>) => ({
  name: 'g',
  interval: '30s',
  rules: [{ alert: 'A', expr: 'up == 0', annotations }],
});
const firstRule = (groups: unknown[]) => (groups[0] as { rules: Array<{ annotations: Record<string, string> }> }).rules[0]!;

test("Prometheus' templates become Helm literals; a relative runbook_url becomes the runbookUrl helper", () => {
  const input = group({ summary: '{{ $labels.pod }} is down', runbook_url: 'observability/RUNBOOK.md#a' });
  const rule = firstRule(chartRuleGroups([input]));
  assert.equal(rule.annotations.summary, '{{`{{`}} $labels.pod }} is down');
  const m = new RegExp(EXPR_MARKER.source).exec(rule.annotations.runbook_url!);
  assert.ok(m, rule.annotations.runbook_url);
  assert.equal(decode(m[1]!), 'include "converge.runbookUrl" (list . "observability/RUNBOOK.md#a") | toJson');
  assert.equal(input.rules[0]!.annotations.summary, '{{ $labels.pod }} is down', 'the input is not changed');
});

test('an absolute runbook_url is left as it is; a path that is not plain is refused', () => {
  assert.equal(firstRule(chartRuleGroups([group({ runbook_url: 'https://runbooks.example.org/a' })])).annotations.runbook_url, 'https://runbooks.example.org/a');
  assert.throws(() => chartRuleGroups([group({ runbook_url: 'docs/run book.md#"a"' })]), /rule A: runbook_url .* not a plain repository path/);
});
