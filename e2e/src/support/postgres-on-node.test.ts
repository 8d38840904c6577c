import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPostgresVolumes, clusterView, healthy, readOperatorValues, readyAddresses, spread } from './postgres-on-node';

test('the overlay names a storage class, and each instance claim gets a volume bound ahead', () => {
  const values = readOperatorValues();
  const pvs = buildPostgresVolumes(values, '/var/x', 'converge', 'converge');
  assert.equal(pvs.length, values.dataLayer.postgres.cluster.instances * 2);
  assert.deepEqual(pvs[0]?.spec.claimRef, { namespace: 'converge', name: 'converge-pg-1' });
  assert.equal(pvs[0]?.spec.hostPath.path, '/var/x/pg-1');
  assert.equal(pvs[0]?.spec.storageClassName, values.dataLayer.postgres.cluster.storage.storageClass);
  assert.throws(
    () => buildPostgresVolumes({ dataLayer: { postgres: { cluster: { instances: 3, storage: { size: '1Gi', storageClass: '' } } } } }, '/x', 'n', 'r'),
    /storageClass must be set/,
  );
});

const cr = (primary: string, roles: [string, string, boolean][], ready = 'True') => ({
  status: {
    phase: 'Healthy',
    currentPrimary: primary,
    instances: roles.map(([name, role, r]) => ({ name, role, ready: r })),
    conditions: [{ type: 'Ready', status: ready }],
  },
});

test('healthy: one ready primary, every other instance a ready replica, and Ready=True', () => {
  const ok = cr('pg-1', [['pg-1', 'primary', true], ['pg-2', 'replica', true], ['pg-3', 'replica', true]]);
  assert.equal(healthy(clusterView(ok), 3), true);
  const rejoining = cr('pg-2', [['pg-1', 'none', false], ['pg-2', 'primary', true], ['pg-3', 'replica', true]]);
  assert.match(String(healthy(clusterView(rejoining), 3)), /pg-1:none\(not ready\)/);
  const notReady = cr('pg-1', [['pg-1', 'primary', true], ['pg-2', 'replica', true], ['pg-3', 'replica', true]], 'False');
  assert.match(String(healthy(clusterView(notReady), 3)), /Ready=False/);
  assert.match(String(healthy(clusterView({}), 3)), /primary -/);
});

test('readyAddresses leaves out endpoints that are not ready', () => {
  const slices = {
    items: [
      { endpoints: [{ addresses: ['10.0.0.2'], conditions: { ready: true } }, { addresses: ['10.0.0.3'], conditions: { ready: false } }] },
      { endpoints: [{ addresses: ['10.0.0.1'] }] },
    ],
  };
  assert.deepEqual(readyAddresses(slices), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(readyAddresses({}), []);
});

test('spread: min, median and max', () => {
  assert.deepEqual(spread([5, 1, 3]), { min: 1, median: 3, max: 5 });
  assert.deepEqual(spread([4, 1, 3, 2]), { min: 1, median: 2.5, max: 4 });
  assert.ok(Number.isNaN(spread([]).median));
});
