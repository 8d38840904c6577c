import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helm } from './support/helm';
import { CHART_DIR } from './support/paths';
import { everyKnob, everyOperatorKnob } from './support/knobs';

test('helm lint --strict passes with the defaults (operator mode) and with dataLayer.mode=external', () => {
  for (const values of [undefined, { dataLayer: { mode: 'external' } }]) {
    const r = helm(['lint', '--strict', CHART_DIR], values);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

test('helm lint --strict passes with every knob changed', () => {
  const r = helm(['lint', '--strict', CHART_DIR], everyKnob);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('helm lint --strict passes in operator mode with every operator knob changed, and in the mixed modes', () => {
  const mixed = [{ dataLayer: { redis: { mode: 'external' } } }, { dataLayer: { postgres: { mode: 'external' } } }];
  for (const values of [everyOperatorKnob, ...mixed]) {
    const r = helm(['lint', '--strict', CHART_DIR], values);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
});
