import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { expr, helmLiteral, renderOnlyIf } from '../helm/expr';
import { PROMETHEUS_RULE_CONDITION } from '../helm/helpers-tpl';
import { v } from '../values/refs';
import type { RuleGroup } from '../charts/observability-sources';
import { labelsMergedWith, releaseName } from './naming';

/** A runbook_url with a scheme is left alone; a repository-relative one follows runbookBaseUrl. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The rule groups as template-ready data: every string is Helm-literal (Prometheus' `{{ $labels.x }}`
 * survive the render), and each repository-relative `runbook_url` becomes an action that prefixes it
 * with observability.prometheusRule.runbookBaseUrl. Pure; the input is not changed.
 */
export function chartRuleGroups(groups: readonly RuleGroup[]): unknown[] {
  const literal = (x: unknown): unknown => {
    if (typeof x === 'string') return helmLiteral(x);
    if (Array.isArray(x)) return x.map(literal);
    if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, literal(y)]));
    return x;
  };
  return groups.map((g) => ({
    ...(literal(g) as object),
    rules: g.rules.map((rule) => {
      const out = literal(rule) as Record<string, unknown>;
      const annotations = rule.annotations as Record<string, unknown> | undefined;
      const url = annotations?.runbook_url;
      if (typeof url === 'string' && !ABSOLUTE_URL.test(url)) {
        if (!/^[\w./#-]+$/.test(url)) throw new Error(`rule ${String(rule.alert ?? rule.record)}: runbook_url ${url} is not a plain repository path`);
        out.annotations = { ...(out.annotations as object), runbook_url: expr(`include "converge.runbookUrl" (list . "${url}") | toJson`) };
      }
      return out;
    }),
  }));
}

/**
 * The recording rules and alerts (observability/rules) as one Prometheus Operator PrometheusRule,
 * rendered only when asked for and when the cluster serves the CRD, like the ServiceMonitor. Its
 * labels take observability.prometheusRule.labels, the `release` label a Prometheus' ruleSelector
 * usually matches.
 */
export class PrometheusRuleResource extends Construct {
  constructor(scope: Construct, id: string, props: { readonly groups: readonly RuleGroup[] }) {
    super(scope, id);
    if (props.groups.length === 0) throw new Error('PrometheusRuleResource: groups must not be empty');
    const rule = new ApiObject(this, 'prometheusrule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: releaseName('rules') },
      spec: { groups: chartRuleGroups(props.groups) },
    });
    rule.addJsonPatch(JsonPatch.add('/metadata/labels', labelsMergedWith('rules', v('observability.prometheusRule.labels'))));
    renderOnlyIf(rule, PROMETHEUS_RULE_CONDITION);
  }
}
