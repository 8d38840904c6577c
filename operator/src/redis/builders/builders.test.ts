import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RedisSentinel, RedisSentinelSpec, quorumOf } from '../api/redis-sentinel';
import { buildRedisConfigMap, configHash } from './config-map';
import { buildRedisPdbs } from './pdb';
import { buildRedisAuthSecret } from './secret';
import { buildRedisServices } from './services';
import { buildRedisStatefulSet, buildSentinelStatefulSet } from './statefulsets';

const rs = (spec: object = {}): RedisSentinel => ({
  apiVersion: 'data.converge.io/v1alpha1',
  kind: 'RedisSentinel',
  metadata: { name: 'cache', namespace: 'db', uid: 'u-9', generation: 1 },
  spec: RedisSentinelSpec.parse(spec),
});
const owner = [{ apiVersion: 'data.converge.io/v1alpha1', kind: 'RedisSentinel', name: 'cache', uid: 'u-9', controller: true, blockOwnerDeletion: true }];
const defaults = { image: 'converge-local/redis:7' };
const env = (c: any, name: string) => c.env.find((e: any) => e.name === name);

describe('RedisSentinel builders', () => {
  it('spec defaults: 3 Redis, 3 Sentinels, quorum a majority of the Sentinels unless set', () => {
    const s = RedisSentinelSpec.parse({});
    assert.equal(s.replicas, 3);
    assert.equal(s.sentinels, 3);
    assert.equal(s.masterName, 'mymaster');
    assert.equal(quorumOf(s), 2);
    assert.equal(quorumOf(RedisSentinelSpec.parse({ sentinels: 5 })), 3);
    assert.equal(quorumOf(RedisSentinelSpec.parse({ sentinels: 5, quorum: 2 })), 2);
    assert.deepEqual(s.sentinel, { downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 10_000 });
  });

  it('redis StatefulSet: replicas, headless service name, parallel pods, claims from the spec, owner reference', () => {
    const sts = buildRedisStatefulSet(rs({ replicas: 5, storage: { size: '2Gi', storageClass: 'fast' } }), defaults) as any;
    assert.equal(sts.metadata.name, 'cache-redis');
    assert.deepEqual(sts.metadata.ownerReferences, owner);
    assert.equal(sts.spec.replicas, 5);
    assert.equal(sts.spec.serviceName, 'cache-redis-headless');
    assert.equal(sts.spec.podManagementPolicy, 'Parallel');
    assert.deepEqual(sts.spec.selector.matchLabels, { 'data.converge.io/redis-sentinel': 'cache', 'data.converge.io/redis-component': 'redis' });
    assert.equal(sts.spec.template.metadata.labels['data.converge.io/redis-role'], undefined, 'the role label is the operator’s to move, never the template’s');
    assert.equal(sts.spec.template.metadata.labels['app.kubernetes.io/managed-by'], 'converge-operator');
    assert.deepEqual(sts.spec.volumeClaimTemplates[0].spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: 'fast' });
    assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete', whenScaled: 'Delete' });
  });

  it('redis container: the image server mode with the operator config, announcing the pod DNS name, password from the secret file', () => {
    const r = rs({ image: 'img:2', imagePullPolicy: 'Never', resources: { limits: { memory: '256Mi' } } });
    const sts = buildRedisStatefulSet(r, defaults) as any;
    const [c] = sts.spec.template.spec.containers;
    assert.equal(c.image, 'img:2');
    assert.equal(c.imagePullPolicy, 'Never');
    assert.deepEqual(c.args, [
      'server', '--include', '/etc/converge/redis/redis.conf',
      '--replica-announce-ip', '$(POD_NAME).cache-redis-headless.db.svc', '--replica-announce-port', '6379',
    ]);
    assert.deepEqual(env(c, 'POD_NAME').valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    assert.equal(env(c, 'REDIS_PASSWORD_FILE').value, '/etc/converge/secrets/auth/password');
    // What the entrypoint needs to ask the Sentinels for the master before it starts.
    assert.equal(env(c, 'SENTINEL_HEADLESS').value, 'cache-sentinel-headless.db.svc');
    assert.equal(env(c, 'REDIS_ANNOUNCE_HOST').value, '$(POD_NAME).cache-redis-headless.db.svc');
    assert.equal(env(c, 'REDIS_MASTER_NAME').value, r.spec.masterName);
    assert.equal(env(c, 'MASTER_RESTART_WAIT_S').value, '20', 'two 5 s down-after windows and 10 s');
    assert.deepEqual(c.resources, { limits: { memory: '256Mi' } });
    assert.deepEqual(c.ports, [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]);
    assert.deepEqual(c.readinessProbe.exec.command, ['env', 'REDIS_PORT=6379', '/usr/local/bin/healthcheck']);
    assert.ok(c.livenessProbe.periodSeconds > c.readinessProbe.periodSeconds);
    const vols = sts.spec.template.spec.volumes;
    assert.equal(vols.find((v: any) => v.name === 'auth').secret.secretName, 'cache-auth');
    assert.equal(vols.find((v: any) => v.name === 'config').configMap.name, 'cache-redis-config');
    assert.equal(sts.spec.template.metadata.annotations['data.converge.io/config-hash'], configHash(r));
    assert.ok(!JSON.stringify(sts).toLowerCase().includes('requirepass'), 'no password in the spec');
    assert.equal((buildRedisStatefulSet(rs(), defaults) as any).spec.template.spec.containers[0].image, 'converge-local/redis:7');
  });

  it('both StatefulSets: restricted security (uid 10233, read-only root, drop ALL), no token, preferred anti-affinity', () => {
    for (const sts of [buildRedisStatefulSet(rs(), defaults), buildSentinelStatefulSet(rs(), defaults)] as any[]) {
      const pod = sts.spec.template.spec;
      assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10233, runAsGroup: 10233, fsGroup: 10233, seccompProfile: { type: 'RuntimeDefault' } });
      assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      assert.equal(pod.automountServiceAccountToken, false);
      const term = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      assert.equal(term.topologyKey, 'kubernetes.io/hostname');
      assert.deepEqual(term.labelSelector.matchLabels, sts.spec.selector.matchLabels);
      assert.ok(pod.containers[0].volumeMounts.some((m: any) => m.mountPath === '/tmp'), 'a writable /tmp for the generated config');
    }
  });

  it('sentinel StatefulSet: its own count, monitors nothing at start (the operator seeds it), announces its DNS name, state on an emptyDir', () => {
    const sts = buildSentinelStatefulSet(rs({ sentinels: 5, masterName: 'chat', sentinelResources: { requests: { cpu: '50m' } } }), defaults) as any;
    assert.equal(sts.metadata.name, 'cache-sentinel');
    assert.deepEqual(sts.metadata.ownerReferences, owner);
    assert.equal(sts.spec.replicas, 5);
    assert.equal(sts.spec.serviceName, 'cache-sentinel-headless');
    const [c] = sts.spec.template.spec.containers;
    assert.deepEqual(c.args, ['sentinel']);
    assert.equal(env(c, 'REDIS_MASTER_NAME').value, 'chat');
    assert.equal(env(c, 'SENTINEL_ANNOUNCE_IP').value, '$(POD_NAME).cache-sentinel-headless.db.svc');
    assert.equal(env(c, 'SENTINEL_MASTER_HOST'), undefined, 'no guessed master in a fresh Sentinel');
    assert.deepEqual(c.resources, { requests: { cpu: '50m' } });
    assert.deepEqual(c.readinessProbe.exec.command, ['env', 'REDIS_PORT=26379', '/usr/local/bin/healthcheck']);
    assert.deepEqual(sts.spec.template.spec.volumes.find((v: any) => v.name === 'data'), { name: 'data', emptyDir: { sizeLimit: '16Mi' } });
    assert.equal(sts.spec.volumeClaimTemplates, undefined);
  });

  it('services: headless ones publish unready pods, -master selects the master label, -sentinel :26379', () => {
    const [rh, sh, master, sentinel] = buildRedisServices(rs()) as any[];
    assert.equal(rh.metadata.name, 'cache-redis-headless');
    assert.equal(rh.spec.clusterIP, 'None');
    assert.equal(rh.spec.publishNotReadyAddresses, true);
    assert.equal(sh.metadata.name, 'cache-sentinel-headless');
    assert.deepEqual(sh.spec.selector, { 'data.converge.io/redis-sentinel': 'cache', 'data.converge.io/redis-component': 'sentinel' });
    assert.equal(master.metadata.name, 'cache-master');
    assert.deepEqual(master.metadata.ownerReferences, owner);
    assert.deepEqual(master.spec.selector, { 'data.converge.io/redis-sentinel': 'cache', 'data.converge.io/redis-component': 'redis', 'data.converge.io/redis-role': 'master' });
    assert.deepEqual(master.spec.ports, [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
    assert.equal(sentinel.metadata.name, 'cache-sentinel');
    assert.deepEqual(sentinel.spec.ports, [{ name: 'sentinel', port: 26379, targetPort: 'sentinel', protocol: 'TCP' }]);
    assert.equal(sentinel.spec.type, 'ClusterIP');
  });

  it('config map, secret and PDBs', () => {
    const cm = buildRedisConfigMap(rs()) as any;
    assert.equal(cm.metadata.name, 'cache-redis-config');
    assert.match(cm.data['redis.conf'], /^maxmemory-policy noeviction$/m);
    assert.doesNotMatch(cm.data['redis.conf'], /^maxmemory /m, 'no limit, no maxmemory');
    const limited = buildRedisConfigMap(rs({ resources: { limits: { memory: '256Mi' } } })) as any;
    assert.match(limited.data['redis.conf'], new RegExp(`^maxmemory ${Math.floor(256 * 1024 * 1024 * 0.75)}$`, 'm'), 'three quarters of the limit');
    assert.doesNotMatch(cm.data['redis.conf'], /requirepass|sentinel monitor/);
    const s = buildRedisAuthSecret(rs(), () => 'r0') as any;
    assert.equal(s.metadata.name, 'cache-auth');
    assert.deepEqual(s.stringData, { password: 'r0' });
    assert.deepEqual(s.metadata.ownerReferences, owner);
    const [redis, sentinel] = buildRedisPdbs(rs()) as any[];
    assert.deepEqual(redis.spec, { maxUnavailable: 1, selector: { matchLabels: { 'data.converge.io/redis-sentinel': 'cache', 'data.converge.io/redis-component': 'redis' } } });
    assert.equal(sentinel.metadata.name, 'cache-sentinel');
    assert.equal(sentinel.spec.maxUnavailable, 1);
    assert.equal((buildRedisPdbs(rs({ sentinels: 5 }))[1] as any).spec.maxUnavailable, 2, '3 of 5 stay: a majority');
    assert.equal((buildRedisPdbs(rs({ sentinels: 1, quorum: 1 }))[1] as any).spec.maxUnavailable, 1);
  });
});
