import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricStore, metricValues, percentile } from './metrics';
import { buildSummary } from './summary-data';
import { parseMetricKey, parseThreshold } from './thresholds';

const samples = (vals: number[], tags: Record<string, string> = {}) => vals.map((value) => ({ value, tags }));

test('percentiles interpolate between ranks as k6 does', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(sorted, 50), 5.5);
  assert.ok(Math.abs(percentile(sorted, 95) - 9.55) < 1e-9);
  assert.equal(percentile(sorted, 100), 10);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('each type has k6’s summary values', () => {
  assert.deepEqual(metricValues('counter', samples([1, 2, 3]), 2), { count: 6, rate: 3 });
  assert.deepEqual(metricValues('rate', samples([1, 0, 1, 1]), 1), { rate: 0.75, passes: 3, fails: 1 });
  assert.deepEqual(metricValues('gauge', samples([5, 9, 2]), 1), { value: 2, min: 2, max: 9 });
  const t = metricValues('trend', samples([10, 20, 30, 40]), 1, ['p(99)']);
  assert.equal(t.avg, 25);
  assert.equal(t.med, 25);
  assert.equal(t.max, 40);
  assert.ok(Math.abs((t['p(99)'] as number) - 39.7) < 1e-9);
});

test('the summary marks each threshold, on sub-metrics by tag too, and fails when one is crossed', () => {
  const store = new MetricStore();
  store.define('http_req_duration', 'trend', true);
  for (const v of [100, 120, 900]) store.add('http_req_duration', 'trend', v, { name: v === 900 ? 'login' : 'rooms' }, true);
  const thresholds = [
    { key: 'http_req_duration', metric: parseMetricKey('http_req_duration'), list: [parseThreshold('max<1000')] },
    { key: 'http_req_duration{name:rooms}', metric: parseMetricKey('http_req_duration{name:rooms}'), list: [parseThreshold('max<200')] },
    { key: 'http_req_duration{name:login}', metric: parseMetricKey('http_req_duration{name:login}'), list: [parseThreshold('p(95)<500')] },
  ];
  const { data, ok } = buildSummary(store.metrics, thresholds, [{ name: 'c', passes: 2, fails: 1 }], 2000);
  assert.equal(ok, false);
  assert.deepEqual(data.metrics.http_req_duration?.thresholds, { 'max<1000': { ok: true } });
  assert.deepEqual(data.metrics['http_req_duration{name:rooms}']?.thresholds, { 'max<200': { ok: true } });
  assert.deepEqual(data.metrics['http_req_duration{name:login}']?.thresholds, { 'p(95)<500': { ok: false } });
  assert.equal(data.metrics.http_req_duration?.contains, 'time');
  assert.equal(data.root_group.checks[0]?.path, '::c');
  assert.equal(data.state.testRunDurationMs, 2000);
});
