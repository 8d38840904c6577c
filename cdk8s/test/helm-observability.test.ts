import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ruleGroups } from '../src/charts/observability-sources';
import { find, renderChart, type K8sObject } from './support/helm';
import { REPO } from './support/paths';

// The dashboards (observability/dashboards) as ConfigMaps for the Grafana sidecar and the rules
// (observability/rules) as a PrometheusRule, as `helm template` renders them.
const WITH_CRD = ['--api-versions', 'monitoring.coreos.com/v1/PrometheusRule'];
const DASHBOARDS = ['data-layer', 'delivery-slo', 'platform'];
const dashboardMaps = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('conv-dashboard-'));

describe('the dashboards', () => {
  const objs = renderChart();

  test('one ConfigMap per dashboard by default, with the kube-prometheus-stack sidecar label and no folder', () => {
    assert.deepEqual(dashboardMaps(objs).map((o) => o.metadata.name).sort(), DASHBOARDS.map((d) => `conv-dashboard-${d}`));
    for (const d of DASHBOARDS) {
      const cm = find(objs, 'ConfigMap', `conv-dashboard-${d}`);
      assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
      assert.equal(cm.metadata.labels?.['app.kubernetes.io/instance'], 'conv');
      assert.equal(cm.metadata.annotations, undefined, 'no folder annotation unless a folder is named');
      // Byte for byte the committed dashboard: Grafana's `{{label}}` legends are not Helm's business.
      const committed = readFileSync(join(REPO, 'observability', 'dashboards', `${d}.json`), 'utf8');
      assert.deepEqual(Object.keys(cm.data), [`${d}.json`]);
      assert.equal(cm.data[`${d}.json`], committed);
      assert.match(committed, /\{\{\w+\}\}/, 'the check is meaningful: the dashboard has legend templates');
    }
  });

  test('the sidecar label, its value and the folder annotation follow the values', () => {
    const custom = renderChart({
      observability: {
        dashboards: { sidecarLabel: 'grafana.example.org/dashboard', sidecarLabelValue: 'converge', folderAnnotation: 'k8s-sidecar-target-directory', folder: 'Chat' },
      },
    });
    for (const cm of dashboardMaps(custom)) {
      assert.equal(cm.metadata.labels?.['grafana.example.org/dashboard'], 'converge', cm.metadata.name);
      assert.equal(cm.metadata.labels?.grafana_dashboard, undefined, 'the default label is gone');
      assert.deepEqual(cm.metadata.annotations, { 'k8s-sidecar-target-directory': 'Chat' });
    }
  });

  test('observability.dashboards.enabled=false renders none', () => {
    assert.deepEqual(dashboardMaps(renderChart({ observability: { dashboards: { enabled: false } } })), []);
  });
});

describe('the PrometheusRule', () => {
  const objs = renderChart(undefined, WITH_CRD);
  const rule = () => find(objs, 'PrometheusRule', 'conv-rules');
  const alerts = (r: K8sObject) => r.spec.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert);

  test('only when the cluster serves its CRD (like the ServiceMonitor), and not when disabled', () => {
    assert.equal(renderChart().some((o) => o.kind === 'PrometheusRule'), false, 'no CRD, no PrometheusRule');
    assert.ok(rule());
    const off = renderChart({ observability: { prometheusRule: { enabled: false } } }, WITH_CRD);
    assert.equal(off.some((o) => o.kind === 'PrometheusRule'), false);
  });

  test('holds the groups of both rule files, recording rules first, as written (Prometheus templates intact)', () => {
    const source = ruleGroups();
    assert.deepEqual(rule().spec.groups, source, 'runbook_url stays repository-relative without a base URL');
    assert.deepEqual(rule().spec.groups.map((g: any) => g.name), source.map((g) => g.name));
    assert.ok(alerts(rule()).some((a: any) => a.annotations.summary.includes('{{ $labels.service }}')));
  });

  test('runbookBaseUrl prefixes every runbook_url (a trailing slash or not), nothing else changes', () => {
    for (const base of ['https://github.com/acme/converge/blob/v0.1.0', 'https://github.com/acme/converge/blob/v0.1.0/']) {
      const r = find(renderChart({ observability: { prometheusRule: { runbookBaseUrl: base } } }, WITH_CRD), 'PrometheusRule', 'conv-rules');
      const want = ruleGroups().map((g) => ({
        ...g,
        rules: g.rules.map((x: any) =>
          x.annotations?.runbook_url
            ? { ...x, annotations: { ...x.annotations, runbook_url: `https://github.com/acme/converge/blob/v0.1.0/${x.annotations.runbook_url}` } }
            : x,
        ),
      }));
      assert.deepEqual(r.spec.groups, want, base);
      assert.match(alerts(r)[0].annotations.runbook_url, /^https:\/\/github\.com\/acme\/converge\/blob\/v0\.1\.0\/observability\/RUNBOOK\.md#[a-z]+$/);
    }
  });

  test("labels: the chart's own plus the user's (the release label a ruleSelector matches)", () => {
    const r = find(renderChart({ observability: { prometheusRule: { labels: { release: 'prometheus' } } } }, WITH_CRD), 'PrometheusRule', 'conv-rules');
    assert.equal(r.metadata.labels?.release, 'prometheus');
    assert.equal(r.metadata.labels?.['app.kubernetes.io/name'], 'converge');
    assert.equal(rule().metadata.labels?.release, undefined);
  });
});
