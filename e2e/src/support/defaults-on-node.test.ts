import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefaultsPrerequisites, DEFAULT_CLASS, defaultClaims, readChartDefaults } from './defaults-on-node';
import { newCredentials } from './release-prereqs';

test("a volume for every claim the chart's defaults make: NATS, the PostgreSQL instances, the Redis pods", () => {
  const v = readChartDefaults();
  const claims = defaultClaims(v).map((c) => c.claim);
  assert.equal(claims.length, v.nats.replicas + v.dataLayer.postgres.cluster.instances + v.dataLayer.redis.sentinel.replicas);
  assert.ok(claims.includes('data-converge-nats-0'), claims.join(', '));
  assert.ok(claims.includes('converge-pg-1'), claims.join(', '));
  assert.ok(claims.includes('data-converge-redis-redis-0'), claims.join(', '));
});

test('the prerequisites: the restricted namespace, the JWT key Secret, a default class and pre-bound volumes of the claimed size', () => {
  const v = readChartDefaults();
  const objects = buildDefaultsPrerequisites(newCredentials(), '/h', v);
  assert.equal(objects[0]?.kind, 'Namespace');
  const jwt = objects.find((o) => o.kind === 'Secret');
  assert.equal(jwt?.metadata.name, v.jwt.secretName);
  assert.match(jwt?.stringData[v.jwt.key], /BEGIN PRIVATE KEY/);
  const sc = objects.find((o) => o.kind === 'StorageClass');
  assert.equal(sc?.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
  const pg = objects.find((o) => o.kind === 'PersistentVolume' && o.spec.claimRef.name === 'converge-pg-1');
  assert.equal(pg?.spec.capacity.storage, v.dataLayer.postgres.cluster.storage.size);
  assert.equal(pg?.spec.storageClassName, DEFAULT_CLASS);
  assert.equal(pg?.spec.hostPath.path, '/h/converge-pg-1');
});
