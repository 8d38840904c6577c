import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { DOCUMENT_CONDITION } from '../helm/expr';
import { OPERATOR_ENABLED, POSTGRES_BY_OPERATOR, REDIS_BY_OPERATOR } from '../helm/data-layer-tpl';
import { DataOperator } from './data-operator';
import { operatorRules } from './operator-rbac';
import { PostgresClusterResource } from './postgres-cluster';
import { RedisSentinelResource } from './redis-sentinel';

const condition = (o: ApiObject) => o.node.metadata.find((m) => m.type === DOCUMENT_CONDITION)?.data;

function operatorChart() {
  const chart = new Chart(Testing.app(), 't');
  const postgres = new PostgresClusterResource(chart, 'postgres');
  const redis = new RedisSentinelResource(chart, 'redis');
  const op = new DataOperator(chart, 'operator', { postgres, redis });
  return { chart, postgres, redis, op };
}

test('DataOperator: the pods run as the ServiceAccount the Role is bound to; Service and PDB select those pods', () => {
  const { chart, postgres, redis, op } = operatorChart();
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
  // The Lease it elects on and the Secrets it may read follow the objects they name.
  const env = new Map(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  assert.equal(env.get('LEASE_NAME'), op.leaseName);
  const rules = operatorRules(postgres.name, redis.name, op.leaseName);
  const named = (rs: typeof rules.common, resource: string) => rs.find((r) => r.resources.includes(resource) && r.resourceNames)?.resourceNames;
  assert.deepEqual(named(rules.common, 'leases'), [op.leaseName]);
  assert.deepEqual(named(rules.postgres, 'secrets'), [`${postgres.name}-agent`]);
  assert.deepEqual(named(rules.redis, 'secrets'), [`${redis.name}-auth`]);
  assert.equal(role.rules.length, rules.common.length + rules.postgres.length + rules.redis.length);
});

test('the Role: each kind adds its own rules; the common ones list no Secret and name no resource of one kind', () => {
  const rules = operatorRules('c', 'r', 'l');
  const all = [...rules.common, ...rules.postgres, ...rules.redis];
  for (const r of all) for (const f of [r.apiGroups, r.resources, r.verbs]) assert.ok(!f.includes('*'), JSON.stringify(r));
  for (const r of all.filter((x) => x.resources.includes('secrets'))) {
    for (const verb of ['list', 'watch', 'update', 'patch', 'delete']) assert.ok(!r.verbs.includes(verb), `secrets: no ${verb}`);
  }
  assert.ok(rules.redis.some((r) => r.apiGroups.includes('apps') && r.resources.includes('statefulsets')));
  assert.ok(!rules.postgres.some((r) => r.resources.includes('statefulsets')), 'PostgreSQL makes its pods itself');
  assert.ok(!rules.redis.some((r) => r.resources.includes('persistentvolumeclaims')), "Redis's claims are the StatefulSet controller's");
  assert.ok(!rules.redis.some((r) => r.resources.includes('pods') && r.verbs.includes('create')), "Redis's pods are the StatefulSet controller's");
});

test('the operator renders when part of the data layer is the operator’s; each resource only for its own part', () => {
  const { chart } = operatorChart();
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const expected: Record<string, string> = { PostgresCluster: POSTGRES_BY_OPERATOR, RedisSentinel: REDIS_BY_OPERATOR };
  for (const o of objects) assert.equal(condition(o), expected[o.kind] ?? OPERATOR_ENABLED, `${o.kind}`);
  assert.equal(objects.length, 8);
});
