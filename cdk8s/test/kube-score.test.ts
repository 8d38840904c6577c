import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ensureTools } from '@converge/testing/kube';
import { helm } from './support/helm';
import { CHART_DIR } from './support/paths';
import { parseAllDocuments } from 'yaml';

/**
 * Where the chart differs from kube-score on purpose, and why (the values docs say the same):
 * - no CPU limits: CFS throttling stalls the event loop (latency spikes, missed Socket.IO pings);
 *   requests share the CPU fairly. Only the CPU-limit half of container-resources is off.
 * - imagePullPolicy IfNotPresent: tags are pinned releases, and a restart must not need the registry.
 */
const DELIBERATE = ['--ignore-container-cpu-limit', '--ignore-test', 'container-image-pull-policy'];

function score(manifests: string, extra: string[] = []) {
  const { 'kube-score': bin } = ensureTools('kube-score');
  const r = spawnSync(bin, ['score', '--output-format', 'ci', ...extra, '-'], { input: manifests, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.split('\n');
  return { status: r.status, critical: lines.filter((l) => l.startsWith('[CRITICAL]')), out: r.stdout + r.stderr };
}

/**
 * The NetworkPolicies of the operator's pods (PostgreSQL instances, Redis, Sentinels) select pods the
 * operator makes, not the chart, so kube-score would find no pod for them (networkpolicy-targets-pod):
 * they are scored out, and the cluster test checks their selectors against the pods really created.
 */
const OPERATOR_POD_POLICIES = ['conv-postgres', 'conv-redis', 'conv-sentinel'];
function withoutOperatorPodPolicies(manifests: string): string {
  return parseAllDocuments(manifests)
    .filter((d) => {
      const o = d.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      return !(o?.kind === 'NetworkPolicy' && OPERATOR_POD_POLICIES.includes(o.metadata?.name ?? ''));
    })
    .map((d) => d.toString())
    .join('---\n');
}

test('kube-score with dataLayer.mode=external: no CRITICAL finding beyond the documented, ignored ones', () => {
  const r = helm(['template', 'conv', CHART_DIR, '--namespace', 'converge'], { dataLayer: { mode: 'external' } });
  assert.equal(r.status, 0, r.stderr);
  const scored = score(r.stdout, DELIBERATE);
  assert.deepEqual(scored.critical, [], scored.out);
  // The ignores are narrow: without them, exactly those two checks complain, and nothing else.
  const strict = score(r.stdout);
  assert.ok(strict.critical.length > 0, 'the check has teeth');
  for (const line of strict.critical) assert.match(line, /CPU limit is not set|ImagePullPolicy is not set to Always/, line);
});

test('kube-score on the default render (operator mode): the operator and its objects add no CRITICAL finding', () => {
  const r = helm(['template', 'conv', CHART_DIR, '--namespace', 'converge']);
  assert.equal(r.status, 0, r.stderr);
  for (const kind of ['PostgresCluster', 'RedisSentinel']) assert.match(r.stdout, new RegExp(`^kind: ${kind}$`, 'm'), 'rendered in operator mode');
  const manifests = withoutOperatorPodPolicies(r.stdout);
  const scored = score(manifests, DELIBERATE);
  assert.deepEqual(scored.critical, [], scored.out);
  assert.match(scored.out, /conv-operator apps\/v1\/Deployment/, 'the operator was scored');
  // The ignores are narrow here too: without them, exactly those two checks complain.
  for (const line of score(manifests).critical) assert.match(line, /CPU limit is not set|ImagePullPolicy is not set to Always/, line);
});
