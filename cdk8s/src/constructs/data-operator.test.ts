import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { DOCUMENT_CONDITION } from '../helm/expr';
import { OPERATOR_ENABLED, POSTGRES_BY_OPERATOR } from '../helm/data-layer-tpl';
import { DataOperator } from './data-operator';
import { PostgresClusterResource } from './postgres-cluster';

const condition = (o: ApiObject) => o.node.metadata.find((m) => m.type === DOCUMENT_CONDITION)?.data;

test('DataOperator: the pods run as the ServiceAccount the Role is bound to; Service and PDB select those pods', () => {
  const chart = new Chart(Testing.app(), 't');
  const postgres = new PostgresClusterResource(chart, 'postgres');
  const op = new DataOperator(chart, 'operator', { postgres });
  const objs = Testing.synth(chart);
  const byKind = (kind: string) => objs.find((o) => o.kind === kind);
  const [sa, role, binding, dep, svc, pdb] = ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget'].map(byKind);
  assert.equal(dep.spec.template.spec.serviceAccountName, sa.metadata.name);
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  assert.equal(binding.subjects[0].name, sa.metadata.name);
  assert.deepEqual(dep.spec.selector.matchLabels, op.selector);
  assert.deepEqual(svc.spec.selector, op.selector);
  assert.deepEqual(pdb.spec.selector.matchLabels, op.selector);
  for (const [k, v] of Object.entries(op.selector)) assert.equal(dep.spec.template.metadata.labels[k], v);
  // The Lease it elects on and the one Secret it may read follow the objects they name.
  const env = new Map(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  assert.equal(env.get('LEASE_NAME'), op.leaseName);
  const leaseRule = role.rules.find((r: any) => r.resources.includes('leases') && r.resourceNames);
  assert.deepEqual(leaseRule.resourceNames, [op.leaseName]);
  const secretRule = role.rules.find((r: any) => r.resources.includes('secrets') && r.resourceNames);
  assert.deepEqual(secretRule.resourceNames, [`${postgres.name}-agent`]);
});

test('the operator renders only when part of the data layer is the operator’s, the PostgresCluster only for PostgreSQL', () => {
  const chart = new Chart(Testing.app(), 't');
  const postgres = new PostgresClusterResource(chart, 'postgres');
  new DataOperator(chart, 'operator', { postgres });
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  for (const o of objects) {
    assert.equal(condition(o), o.kind === 'PostgresCluster' ? POSTGRES_BY_OPERATOR : OPERATOR_ENABLED, `${o.kind}`);
  }
  assert.equal(objects.length, 7);
});
