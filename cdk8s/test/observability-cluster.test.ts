import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ControlPlane } from '@converge/testing/kube';
import { helm, type K8sObject } from './support/helm';
import { CHART_DIR, REPO } from './support/paths';
import { namespace, prometheusRuleCrd } from './support/cluster-fixtures';

// The dashboards' ConfigMaps and the PrometheusRule on a real kube-apiserver (v1.35) with the
// prometheus-operator's real PrometheusRule CRD (v0.85.0, hack/tools/install.sh): helm sees the CRD
// through the server's discovery, validates against its schema, and the objects apply with
// server-side apply and strict field validation.
const NS = 'converge-obs';
const BASE = 'https://git.example.org/converge/-/blob/v0.1.0';
const VALUES = {
  dataLayer: { mode: 'external' },
  observability: {
    dashboards: { folder: 'Converge' },
    prometheusRule: { labels: { release: 'prometheus' }, runbookBaseUrl: BASE },
  },
};

describe('dashboards and rules on a real control plane', { timeout: 75 * 60_000 }, () => {
  let cp: ControlPlane;
  let mine: K8sObject[] = [];

  before(async () => {
    cp = ControlPlane.start();
    cp.apply([namespace(NS), prometheusRuleCrd()]);
    // A new CRD's API takes a moment to appear in discovery.
    await cp.waitFor('PrometheusRule API served', 60_000, () =>
      cp.kubectl(['api-resources', '--api-group=monitoring.coreos.com']).includes('prometheusrules') || 'not yet');
  }, { timeout: 70 * 60_000 });

  after(() => cp?.stop());

  test('helm, asking the server, renders the PrometheusRule and validates it against the CRD schema', () => {
    const r = helm(['template', 'conv', CHART_DIR, '--namespace', NS, '--validate', '--kubeconfig', cp.kubeconfig], VALUES);
    assert.equal(r.status, 0, r.stderr);
    const all = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject).filter(Boolean);
    mine = all.filter((o) => o.kind === 'PrometheusRule' || o.metadata.labels?.['app.kubernetes.io/component'] === 'dashboards');
    assert.deepEqual(mine.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
      'ConfigMap/conv-dashboard-data-layer',
      'ConfigMap/conv-dashboard-delivery-slo',
      'ConfigMap/conv-dashboard-platform',
      'PrometheusRule/conv-rules',
    ]);
  });

  test('they apply with server-side apply and strict validation, and are stored as rendered', () => {
    assert.ok(mine.length > 0, 'rendered');
    const out = cp.apply(mine, NS);
    for (const o of mine) assert.match(out, new RegExp(`${o.metadata.name} serverside-applied`), `${o.kind}/${o.metadata.name}`);

    const rule = cp.getJson(['-n', NS, 'prometheusrule', 'conv-rules']);
    assert.equal(rule.metadata.labels.release, 'prometheus', 'the ruleSelector label');
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert);
    assert.ok(alerts.length >= 10, `${alerts.length} alerts stored`);
    for (const a of alerts) {
      assert.ok(a.annotations.runbook_url.startsWith(`${BASE}/observability/RUNBOOK.md#`), `${a.alert}: ${a.annotations.runbook_url}`);
    }
    const errorRatio = alerts.find((a: any) => a.alert === 'ConvergeHighErrorRatio');
    assert.match(errorRatio.annotations.summary, /^\{\{ \$labels\.service \}\}: /, "Prometheus' own template survives Helm");

    const cm = cp.getJson(['-n', NS, 'configmap', 'conv-dashboard-platform']);
    assert.equal(cm.metadata.labels.grafana_dashboard, '1');
    assert.equal(cm.metadata.annotations.grafana_folder, 'Converge');
    assert.equal(cm.data['platform.json'], readFileSync(join(REPO, 'observability', 'dashboards', 'platform.json'), 'utf8'));
  });

  test("the CRD's schema has teeth: a malformed duration and a misspelt field are refused", () => {
    const rule = structuredClone(mine.find((o) => o.kind === 'PrometheusRule')) as K8sObject;
    rule.metadata.name = 'bad-duration';
    rule.spec.groups[0].interval = '30 seconds';
    assert.throws(() => cp.apply([rule], NS), /spec\.groups\[0\]\.interval.*should match/s);
    const typo = structuredClone(mine.find((o) => o.kind === 'PrometheusRule')) as K8sObject;
    typo.metadata.name = 'typo';
    typo.spec.groups[0].rules[0].exprr = 'up';
    assert.throws(() => cp.apply([typo], NS), /exprr: field not declared in schema/);
  });
});
