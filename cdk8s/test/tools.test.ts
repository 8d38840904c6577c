import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ensureTools } from '@converge/testing/kube';
import { prometheusRuleCrd } from './support/cluster-fixtures';

// hack/tools/install.sh is what a clean clone (and CI) relies on: once built, a run only checks the
// cache, and every binary reports the pinned version.
test('install.sh is idempotent and fast once the tools are cached; binaries have the pinned versions', () => {
  const all = ['helm', 'kwok', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'skaffold', 'kube-score'] as const;
  ensureTools(...all);
  const t0 = Date.now();
  const bins = ensureTools(...all);
  assert.ok(Date.now() - t0 < 10_000, `cached install took ${Date.now() - t0} ms`);
  const version = (bin: string, ...args: string[]) => execFileSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  assert.match(version(bins.helm, 'version', '--short'), /^v3\.21\.4/);
  assert.match(version(bins['kube-apiserver'], '--version'), /Kubernetes v1\.35\.4/);
  assert.match(version(bins.kubectl, 'version', '--client'), /Client Version: v1\.35\.4/);
  assert.match(version(bins.etcd, '--version'), /etcd Version: 3\.6\.5/);
  assert.match(version(bins.skaffold, 'version'), /^v2\.16\.1/);
  assert.match(version(bins.kwok, '--version'), /v0\.7\.0/);
  assert.match(version(bins['kube-score'], 'version'), /kube-score version: 1\.20\.0/);
});

test("the prometheus-operator's PrometheusRule CRD is the pinned release's, fetched once", () => {
  prometheusRuleCrd();
  const t0 = Date.now();
  const crd = prometheusRuleCrd() as { metadata: { name: string; annotations: Record<string, string> } };
  assert.ok(Date.now() - t0 < 10_000, `cached fetch took ${Date.now() - t0} ms`);
  assert.equal(crd.metadata.name, 'prometheusrules.monitoring.coreos.com');
  assert.equal(crd.metadata.annotations['operator.prometheus.io/version'], '0.85.0');
});
