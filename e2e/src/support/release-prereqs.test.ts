import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { buildPrerequisites, buildSecrets, natsVolumeDir, newCredentials, readNodeValues } from './release-prereqs';
import { POSTGRES_UID, REDIS_UID } from './standin-data';

const values = readNodeValues();
const credentials = newCredentials();
const objects = buildPrerequisites({
  values,
  credentials,
  natsHostDir: '/tmp/x/nats',
  images: { postgres: 'converge-local/postgres:15', redis: 'converge-local/redis:7' },
});
const find = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

test('the namespace enforces the restricted Pod Security Standard, and comes first', () => {
  const [first] = objects;
  assert.equal(first?.kind, 'Namespace');
  assert.equal(first?.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
});

test('the Secrets the values name hold an Ed25519 signing key and the two passwords', () => {
  const jwt = find('Secret', values.jwt.secretName);
  const key = createPrivateKey(jwt.stringData[values.jwt.key]);
  assert.equal(key.asymmetricKeyType, 'ed25519');
  assert.equal(find('Secret', values.postgres.passwordSecret.name).stringData.password, credentials.postgresPassword);
  assert.equal(find('Secret', values.redis.passwordSecret.name).stringData.password, credentials.redisPassword);
  assert.notEqual(credentials.postgresPassword, credentials.redisPassword);
  assert.throws(
    () => buildSecrets({ ...values, redis: { passwordSecret: values.postgres.passwordSecret } }, credentials, 'ns'),
    /one Secret twice/,
  );
});

test("one pre-bound hostPath volume per NATS server, of the values' class and size", () => {
  const pvs = objects.filter((o) => o.kind === 'PersistentVolume');
  assert.equal(pvs.length, values.nats.replicas);
  pvs.forEach((pv, i) => {
    assert.equal(pv.spec.storageClassName, values.nats.storage.storageClassName);
    assert.equal(pv.spec.capacity.storage, values.nats.storage.size);
    assert.equal(pv.spec.hostPath.path, natsVolumeDir('/tmp/x/nats', i));
    assert.deepEqual(pv.spec.claimRef, { namespace: 'converge', name: `data-converge-nats-${i}` });
  });
  assert.equal(find('StorageClass', values.nats.storage.storageClassName).provisioner, 'kubernetes.io/no-provisioner');
});

test('the stand-in PostgreSQL: the values user and databases, password from their Secret, probed, hardened', () => {
  const dep = find('Deployment', values.postgres.external.host);
  assert.equal(dep.spec.replicas, 1);
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, 'converge-local/postgres:15');
  assert.equal(c.imagePullPolicy, 'Never');
  const env = new Map(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.equal(env.get('POSTGRES_USER'), values.postgres.external.username);
  assert.equal(env.get('POSTGRES_DB'), `${values.postgres.external.userDatabase},${values.postgres.external.chatDatabase}`);
  assert.equal(env.get('POSTGRES_PASSWORD_FILE'), '/var/run/secrets/standin/password');
  assert.equal(pod.volumes.find((v: any) => v.name === 'password').secret.secretName, values.postgres.passwordSecret.name);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.ok(c[probe], probe);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.runAsUser, POSTGRES_UID);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.deepEqual(
    c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort(),
    ['/tmp', '/var/lib/postgresql/data', '/var/run/secrets/standin'],
  );
  assert.equal(pod.automountServiceAccountToken, false);
  const svc = find('Service', values.postgres.external.host);
  assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
  assert.equal(svc.spec.ports[0].port, 5432);
});

test('the stand-in Redis: password from the values Secret, its port behind the Service the values point at', () => {
  const dep = find('Deployment', 'standin-redis');
  const c = dep.spec.template.spec.containers[0];
  assert.equal(c.image, 'converge-local/redis:7');
  assert.deepEqual(c.args, ['server']);
  assert.equal(c.securityContext.runAsUser, REDIS_UID);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(dep.spec.template.spec.volumes.find((v: any) => v.name === 'password').secret.secretName, values.redis.passwordSecret.name);
  const svc = find('Service', 'standin-redis');
  assert.equal(svc.spec.ports[0].port, 6379);
  assert.equal(readRedisUrl(), `redis://standin-redis:${svc.spec.ports[0].port}`);
});

function readRedisUrl(): string {
  return (readNodeValues() as unknown as { redis: { external: { url: string } } }).redis.external.url;
}

test('with PostgreSQL under the operator, no stand-in PostgreSQL is made (the Redis stand-in stays)', () => {
  const withOperator = buildPrerequisites({ values, credentials, natsHostDir: '/tmp/x/nats', images: { postgres: 'p', redis: 'r' }, standinPostgres: false });
  const names = withOperator.map((o) => `${o.kind}/${o.metadata.name}`);
  assert.ok(!names.some((n) => n.includes('standin-postgres')), names.join(', '));
  assert.ok(names.includes('Deployment/standin-redis'), names.join(', '));
});
