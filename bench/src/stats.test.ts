import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, fmt, perCpuSecond, percentile, ratePerSecond, ratio, summarize } from './stats';

test('percentile uses the nearest rank of sorted samples', () => {
  const s = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.equal(percentile(s, 50), 50);
  assert.equal(percentile(s, 99), 99);
  assert.equal(percentile(s, 100), 100);
  assert.equal(percentile(s, 0), 1);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile(s, 101), RangeError);
});

test('summarize sorts a copy and reports count, mean and percentiles', () => {
  const samples = [5, 1, 4, 2, 3];
  const s = summarize(samples);
  assert.deepEqual(samples, [5, 1, 4, 2, 3], 'input untouched');
  assert.deepEqual(s, { count: 5, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
  const empty = summarize([]);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.p99));
});

test('rates and ratios guard against empty windows and missing references', () => {
  assert.equal(ratePerSecond(500, 2000), 250);
  assert.equal(ratePerSecond(500, 0), 0);
  assert.equal(ratio(50, 200), 0.25);
  assert.ok(Number.isNaN(ratio(50, 0)));
  assert.ok(Number.isNaN(ratio(Number.NaN, 10)));
  assert.equal(perCpuSecond(1000, 0.5), 2000);
  assert.equal(perCpuSecond(1000, 0), undefined);
  assert.equal(perCpuSecond(undefined, 1), undefined);
});

test('a throughput target is met at or above its share of the ceiling, and says how short it is', () => {
  const met = evaluate({ kind: 'min-ratio', limit: 0.5 }, 600, 1000);
  assert.equal(met.met, true);
  assert.equal(met.observed, 0.6);
  assert.match(met.text, /^yes \(60 % ≥ 50 %\)/);
  const edge = evaluate({ kind: 'min-ratio', limit: 0.5 }, 500, 1000);
  assert.equal(edge.met, true);
  const missed = evaluate({ kind: 'min-ratio', limit: 0.5 }, 100, 1000);
  assert.equal(missed.met, false);
  assert.ok(Math.abs(missed.margin - -0.8) < 1e-9);
  assert.match(missed.text, /NO \(10 % < 50 %, 80 % short\)/);
  // Just short: whole percents would print "50 % < 50 %, 0 % short".
  const close = evaluate({ kind: 'min-ratio', limit: 0.5 }, 499, 1000);
  assert.equal(close.met, false);
  assert.match(close.text, /NO \(49\.9 % < 50 %, 0\.2 % short\)/);
});

test('a memory target is a ceiling on the ratio, a latency target a ceiling on the value', () => {
  assert.equal(evaluate({ kind: 'max-ratio', limit: 2 }, 30, 20).met, true);
  const fat = evaluate({ kind: 'max-ratio', limit: 2 }, 50, 20);
  assert.equal(fat.met, false);
  assert.match(fat.text, /2\.50× > 2×, 25 % over/);
  assert.equal(evaluate({ kind: 'max', limit: 50 }, 49.9).met, true);
  const slow = evaluate({ kind: 'max', limit: 50 }, 75);
  assert.equal(slow.met, false);
  assert.match(slow.text, /75\.0 > 50\.0, 50 % over/);
});

test('a missing figure or ceiling gives no verdict rather than a wrong one', () => {
  assert.equal(evaluate({ kind: 'max', limit: 50 }, undefined).met, undefined);
  assert.equal(evaluate({ kind: 'min-ratio', limit: 0.5 }, 100, undefined).met, undefined);
  assert.equal(evaluate({ kind: 'min-ratio', limit: 0.5 }, 100, 0).met, undefined);
  assert.equal(evaluate({ kind: 'max-ratio', limit: 2 }, Number.NaN, 3).met, undefined);
});

test('figures print with about three significant digits', () => {
  assert.equal(fmt(12345.6), '12,346');
  assert.equal(fmt(123.4), '123');
  assert.equal(fmt(12.34), '12.3');
  assert.equal(fmt(1.234), '1.23');
  assert.equal(fmt(0.01234), '0.012');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(undefined), '-');
  assert.equal(fmt(Number.NaN), '-');
});
