import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chart, Testing } from 'cdk8s';
import { ConvergeProcess } from './converge-process';

test('ConvergeProcess refuses a bad port or an empty command, naming the prop', () => {
  const chart = new Chart(Testing.app(), 't');
  assert.throws(() => new ConvergeProcess(chart, 'a', { component: 'web', port: 0, command: ['node'] }), /port must be 1\.\.65535/);
  assert.throws(() => new ConvergeProcess(chart, 'b', { component: 'web', port: 3001, command: [] }), /command must not be empty/);
});

test('ConvergeProcess makes a Deployment, Service, HPA and PDB that select the same pods', () => {
  const chart = new Chart(Testing.app(), 't');
  const p = new ConvergeProcess(chart, 'web', { component: 'web', port: 3001, command: ['node', 'x.js'] });
  const objs = Testing.synth(chart);
  assert.deepEqual(objs.map((o) => o.kind), ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
  const [dep, svc, , pdb] = objs;
  assert.deepEqual(dep.spec.selector.matchLabels, p.selector);
  assert.deepEqual(svc.spec.selector, p.selector);
  assert.deepEqual(pdb.spec.selector.matchLabels, p.selector);
  for (const [k, v] of Object.entries(p.selector)) assert.equal(dep.spec.template.metadata.labels[k], v);
  assert.equal(dep.spec.template.spec.initContainers, undefined);
});
