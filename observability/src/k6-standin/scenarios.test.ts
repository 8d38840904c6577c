import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './k6-modules';
import { ConfigError, planScenarios } from './scenarios';

test('k6 durations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('250'), 250);
  for (const bad of ['', 'soon', '10x', '1m 30s']) assert.throws(() => parseDuration(bad), /cannot parse duration/, bad);
});

test('the shortcuts become one default scenario, as in k6', () => {
  assert.deepEqual(
    planScenarios({}).map((s) => [s.name, s.executor, s.vus, s.iterations]),
    [['default', 'shared-iterations', 1, 1]],
  );
  const [c] = planScenarios({ vus: 3, duration: '10s' });
  assert.deepEqual([c?.executor, c?.vus, c?.durationMs, c?.gracefulStopMs], ['constant-vus', 3, 10_000, 30_000]);
});

test('scenarios keep their executor, counts and bounds; what the stand-in lacks is refused by name', () => {
  const [s] = planScenarios({ scenarios: { smoke: { executor: 'per-vu-iterations', vus: 2, iterations: 3, maxDuration: '2m', exec: 'run', startTime: '1s' } } });
  assert.deepEqual([s?.vus, s?.iterations, s?.maxDurationMs, s?.exec, s?.startTimeMs], [2, 3, 120_000, 'run', 1000]);
  assert.throws(() => planScenarios({ scenarios: { r: { executor: 'ramping-arrival-rate' } } }), (e: Error) => e instanceof ConfigError && /scenario r: executor "ramping-arrival-rate" is not in the stand-in/.test(e.message));
  assert.throws(() => planScenarios({ scenarios: { c: { executor: 'constant-vus', vus: 2 } } }), /constant-vus needs a duration/);
  assert.throws(() => planScenarios({ scenarios: { v: { executor: 'per-vu-iterations', vus: 0 } } }), /vus must be a whole number ≥ 1/);
  assert.throws(() => planScenarios({ scenarios: { d: { executor: 'constant-vus', duration: 'forever' } } }), /scenario d: duration: cannot parse/);
});
