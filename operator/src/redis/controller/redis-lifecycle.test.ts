import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, spawnService, type ServiceProcess } from '@converge/testing';
import { ControlPlane } from '@converge/testing/kube';
import { CRD_FILE, REDIS_CRD_FILE } from '../../api/crd-file';

// The RedisSentinel lifecycle against a real kube-apiserver with controller-manager (the StatefulSet
// controller makes the pods, the garbage collector follows owner references) and kwok: pods are
// scheduled at most, no Redis runs, so no master is ever elected here; the loopback test
// (live/sentinel-agreement.test.ts) covers the Redis side on real processes.

const NS = 'cache-ns';
const OPERATOR = join(__dirname, '..', '..', 'main.js');
const SEL = 'data.converge.io/redis-sentinel=cache';

describe('RedisSentinel on a real kube-apiserver', { timeout: 15 * 60_000 }, () => {
  let cp: ControlPlane;
  const operators: ServiceProcess[] = [];

  const startOperator = async (name: string) => {
    const port = await freePort();
    const p = await spawnService({
      name,
      entry: OPERATOR,
      port,
      metricsPort: port,
      env: { KUBECONFIG: cp.kubeconfig, WATCH_NAMESPACE: NS, POD_NAME: name, LEASE_SECONDS: '6', LEASE_RENEW_SECONDS: '2', LOG_LEVEL: 'info', REDIS_IMAGE: 'converge-local/redis:7' },
    });
    operators.push(p);
    return p;
  };
  const owned = (kind: string) => cp.getJson([kind, '-n', NS, '-l', SEL]).items.map((o: any) => o.metadata.name).sort() as string[];
  const rs = (spec: object) => ({ apiVersion: 'data.converge.io/v1alpha1', kind: 'RedisSentinel', metadata: { name: 'cache', namespace: NS }, spec });
  const sts = (name: string) => cp.getJson(['statefulset', name, '-n', NS]);

  before(() => {
    cp = ControlPlane.start();
    for (const f of [CRD_FILE, REDIS_CRD_FILE]) cp.kubectl(['apply', '--server-side', '-f', join(__dirname, '..', '..', '..', '..', f)]);
    cp.kubectl(['wait', '--for=condition=Established', 'crd/redissentinels.data.converge.io', 'crd/postgresclusters.data.converge.io', '--timeout=60s']);
    cp.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'kwok-redis', annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': 'kwok-redis', type: 'kwok' } },
        status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110' }, capacity: { cpu: '16', memory: '64Gi', pods: '110' } },
      },
    ]);
  });

  after(async () => {
    for (const p of operators) await p.stop(5000).catch(() => undefined);
    cp?.stop();
  });

  it('refuses a bad spec with a clear message from the API server', () => {
    assert.throws(() => cp.apply([rs({ sentinels: 3, quorum: 4 })]), /quorum must not exceed sentinels: that many Sentinels could never agree/);
    assert.throws(() => cp.apply([rs({ replicas: 0 })]), /replicas.*(greater than or equal to 1|should be greater)/);
    assert.throws(() => cp.apply([rs({ masterName: 'no spaces' })]), /masterName/);
  });

  it('creates every owned object, with the defaults, and reports progress in the status', async () => {
    await startOperator('operator-a');
    cp.apply([rs({})]);
    await cp.waitFor('owned objects', 90_000, () => {
      const pods = owned('pods');
      return owned('statefulsets').length === 2 && pods.length === 6 ? true : `pods ${pods}`;
    });
    assert.deepEqual(owned('statefulsets'), ['cache-redis', 'cache-sentinel']);
    assert.deepEqual(owned('pods'), ['cache-redis-0', 'cache-redis-1', 'cache-redis-2', 'cache-sentinel-0', 'cache-sentinel-1', 'cache-sentinel-2']);
    assert.deepEqual(owned('services'), ['cache-master', 'cache-redis-headless', 'cache-sentinel', 'cache-sentinel-headless']);
    assert.deepEqual(owned('secrets'), ['cache-auth']);
    assert.deepEqual(owned('configmaps'), ['cache-redis-config']);
    assert.deepEqual(owned('pdb'), ['cache-redis', 'cache-sentinel']);
    await cp.waitFor('claims', 60_000, () => (owned('pvc').join() === 'data-cache-redis-0,data-cache-redis-1,data-cache-redis-2' ? true : owned('pvc').join()));
    const redis = sts('cache-redis');
    assert.equal(redis.spec.replicas, 3);
    assert.equal(redis.metadata.ownerReferences[0].kind, 'RedisSentinel');
    assert.equal(redis.spec.template.spec.containers[0].image, 'converge-local/redis:7');
    assert.equal(sts('cache-sentinel').spec.replicas, 3);
    assert.ok(cp.getJson(['secret', 'cache-auth', '-n', NS]).data.password.length > 20);
    await cp.waitFor('status', 30_000, () => {
      const s = cp.getJson(['redissentinel', 'cache', '-n', NS]).status;
      return s?.observedGeneration === 1 && s.conditions?.length === 4 && s.phase ? true : JSON.stringify(s);
    });
    const s = cp.getJson(['redissentinel', 'cache', '-n', NS]).status;
    assert.deepEqual(s.conditions.map((c: any) => c.type), ['Ready', 'Progressing', 'Degraded', 'SentinelsDisagree']);
    assert.equal(s.conditions[0].status, 'False');
    assert.equal(s.currentMaster, undefined, 'no Redis runs on kwok: no master is claimed');
    assert.match(cp.kubectl(['get', 'redissentinels', '-n', NS]), /NAME\s+MASTER\s+READY\s+REPLICAS\s+PHASE\s+AGE/);
    // Recomputed every second, written only when it changed: a steady world makes no writes.
    const rv = cp.getJson(['redissentinel', 'cache', '-n', NS]).metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(cp.getJson(['redissentinel', 'cache', '-n', NS]).metadata.resourceVersion, rv);
  });

  it('scales the Redis pods up and down by editing replicas', async () => {
    cp.apply([rs({ replicas: 5 })]);
    await cp.waitFor('5 Redis pods', 60_000, () => (owned('pods').filter((p) => p.startsWith('cache-redis-')).length === 5 ? true : owned('pods').join()));
    cp.apply([rs({ replicas: 2 })]);
    await cp.waitFor('2 Redis pods', 90_000, () => {
      const pods = owned('pods').filter((p) => p.startsWith('cache-redis-'));
      return pods.join() === 'cache-redis-0,cache-redis-1' && sts('cache-redis').spec.replicas === 2 ? true : pods.join();
    });
  });

  it('converges after the operator is killed, and keeps the generated password', async () => {
    const password = cp.getJson(['secret', 'cache-auth', '-n', NS]).data.password;
    const [a] = operators;
    process.kill(a!.pid()!, 'SIGKILL');
    await a!.exited;
    cp.apply([rs({ replicas: 2, sentinels: 5 })]);
    await a!.start();
    await cp.waitFor('5 Sentinels', 90_000, () => (sts('cache-sentinel').spec.replicas === 5 && owned('pods').filter((p) => p.startsWith('cache-sentinel-')).length === 5 ? true : String(sts('cache-sentinel').spec.replicas)));
    assert.equal(cp.getJson(['pdb', 'cache-sentinel', '-n', NS]).spec.maxUnavailable, 2, '3 of 5 Sentinels stay');
    assert.equal(cp.getJson(['secret', 'cache-auth', '-n', NS]).data.password, password);
    await cp.waitFor('the status of the newest generation', 30_000, () => {
      const o = cp.getJson(['redissentinel', 'cache', '-n', NS]);
      return o.status?.observedGeneration === o.metadata.generation ? true : `${o.status?.observedGeneration} of ${o.metadata.generation}`;
    });
  });

  it('deleting the RedisSentinel removes every owned object, claims included', async () => {
    cp.kubectl(['delete', 'redissentinel', 'cache', '-n', NS, '--wait=true']);
    await cp.waitFor('owned objects gone', 120_000, () => {
      const left = ['statefulsets', 'pods', 'services', 'secrets', 'configmaps', 'pdb', 'pvc'].flatMap((k) => owned(k));
      return left.length === 0 ? true : left.join();
    });
  });
});
