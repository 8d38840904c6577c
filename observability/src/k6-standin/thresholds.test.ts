import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAggregation, parseMetricKey, parseThreshold, thresholdHolds, ThresholdError } from './thresholds';

test('k6 threshold expressions parse into aggregation, operator and number', () => {
  assert.deepEqual(parseThreshold('p(95)<500'), { source: 'p(95)<500', aggregation: 'p(95)', op: '<', value: 500, abortOnFail: false });
  assert.equal(parseThreshold(' rate <= 0.01 ').op, '<=');
  assert.equal(parseThreshold('p( 99.9 )<1e3').aggregation, 'p(99.9)');
  assert.equal(parseThreshold('p(99.9)<1e3').value, 1000);
  assert.equal(parseThreshold('count==0').op, '==');
  assert.equal(parseThreshold({ threshold: 'avg<200', abortOnFail: true }).abortOnFail, true);
});

test('what is not a threshold is refused with the text it got', () => {
  for (const bad of ['p95<500', 'p(95)', '<500', 'p(95)<fast', 'p(101)<1', 'avg ~ 3']) {
    assert.throws(() => parseThreshold(bad), (e: Error) => e instanceof ThresholdError && e.message.includes(bad), bad);
  }
  assert.throws(() => parseThreshold(42 as unknown as string), /a threshold is a string/);
});

test('a threshold holds or not by its operator; a missing value fails it', () => {
  const v = { 'p(95)': 480, rate: 0.02, count: 0 };
  assert.equal(thresholdHolds(parseThreshold('p(95)<500'), v), true);
  assert.equal(thresholdHolds(parseThreshold('p(95)<480'), v), false);
  assert.equal(thresholdHolds(parseThreshold('p(95)<=480'), v), true);
  assert.equal(thresholdHolds(parseThreshold('rate<0.01'), v), false);
  assert.equal(thresholdHolds(parseThreshold('rate>0.01'), v), true);
  assert.equal(thresholdHolds(parseThreshold('count==0'), v), true);
  assert.equal(thresholdHolds(parseThreshold('count!=0'), v), false);
  assert.equal(thresholdHolds(parseThreshold('count>=0'), v), true);
  assert.equal(thresholdHolds(parseThreshold('p(99)<1000'), v), false);
  assert.equal(thresholdHolds(parseThreshold('avg<1'), { avg: Number.NaN }), false);
});

test('each metric type has its own aggregations', () => {
  assert.doesNotThrow(() => checkAggregation(parseThreshold('p(95)<1'), 'trend', 'x'));
  assert.doesNotThrow(() => checkAggregation(parseThreshold('rate<1'), 'counter', 'x'));
  assert.throws(() => checkAggregation(parseThreshold('p(95)<1'), 'rate', 'checks'), /a rate metric has no "p\(95\)"/);
  assert.throws(() => checkAggregation(parseThreshold('count>1'), 'trend', 'x'), /trend metric has no "count"/);
});

test('metric keys may filter by tags', () => {
  assert.deepEqual(parseMetricKey('http_req_duration'), { name: 'http_req_duration', tags: {} });
  assert.deepEqual(parseMetricKey('http_req_duration{name:login, method:POST}'), { name: 'http_req_duration', tags: { name: 'login', method: 'POST' } });
  assert.throws(() => parseMetricKey('http req'), /cannot parse metric/);
  assert.throws(() => parseMetricKey('x{nocolon}'), /tag:value/);
});
