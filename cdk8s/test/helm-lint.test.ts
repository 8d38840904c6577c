import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helm } from './support/helm';
import { CHART_DIR } from './support/paths';
import { everyKnob, everyOperatorKnob } from './support/knobs';

test('helm lint --strict passes with the defaults', () => {
  const r = helm(['lint', '--strict', CHART_DIR]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test('helm lint --strict passes with every knob changed', () => {
  const r = helm(['lint', '--strict', CHART_DIR], everyKnob);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('helm lint --strict passes in operator mode, with the defaults and with every operator knob changed', () => {
  for (const values of [{ dataLayer: { mode: 'operator' } }, everyOperatorKnob]) {
    const r = helm(['lint', '--strict', CHART_DIR], values);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
});
