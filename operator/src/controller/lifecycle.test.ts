import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, spawnService, type ServiceProcess } from '@converge/testing';
import { ControlPlane } from '@converge/testing/kube';
import { CRD_FILE } from '../api/crd-file';

// The operator against a real kube-apiserver (with controller-manager, so owner references are
// garbage-collected, and kwok nodes: pods are scheduled but no container runs, so no agent answers and
// no cluster gets a primary here; the real-node failover test in e2e/ covers that part).

const NS = 'db';
const OPERATOR = join(__dirname, '..', 'main.js');

describe('the operator on a real kube-apiserver', { timeout: 15 * 60_000 }, () => {
  let cp: ControlPlane;
  const operators: ServiceProcess[] = [];

  const startOperator = async (name: string) => {
    const port = await freePort();
    const p = await spawnService({
      name,
      entry: OPERATOR,
      port,
      metricsPort: port,
      env: { KUBECONFIG: cp.kubeconfig, WATCH_NAMESPACE: NS, POD_NAME: name, LEASE_SECONDS: '6', LEASE_RENEW_SECONDS: '2', LOG_LEVEL: 'info' },
    });
    operators.push(p);
    return p;
  };
  const owned = (kind: string) =>
    cp.getJson([kind, '-n', NS, '-l', 'data.converge.io/cluster=pg']).items.map((o: any) => o.metadata.name).sort() as string[];
  const cluster = (spec: object) => ({ apiVersion: 'data.converge.io/v1alpha1', kind: 'PostgresCluster', metadata: { name: 'pg', namespace: NS }, spec });
  const leader = async (p: ServiceProcess) => /converge_operator_leader\{[^}]*\} 1/.test(await (await fetch(`${p.metricsUrl}/metrics`)).text());

  before(() => {
    cp = ControlPlane.start();
    cp.kubectl(['apply', '--server-side', '-f', join(__dirname, '..', '..', '..', CRD_FILE)]);
    cp.kubectl(['wait', '--for=condition=Established', 'crd/postgresclusters.data.converge.io', '--timeout=60s']);
    cp.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'kwok-pg', annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': 'kwok-pg', type: 'kwok' } },
        status: { allocatable: { cpu: '16', memory: '64Gi', pods: '110' }, capacity: { cpu: '16', memory: '64Gi', pods: '110' } },
      },
    ]);
  });

  after(async () => {
    for (const p of operators) await p.stop(5000).catch(() => undefined);
    cp?.stop();
  });

  it('refuses a bad spec with a clear message from the API server', () => {
    assert.throws(() => cp.apply([cluster({ instances: 0 })]), /instances.*(greater than or equal to 1|should be greater)/);
    assert.throws(() => cp.apply([cluster({ parameters: { wal_level: 'minimal' } })]), /only these PostgreSQL parameters may be set/);
    assert.throws(() => cp.apply([cluster({ instances: 2, synchronous: { number: 2 } })]), /synchronous.number must be below instances/);
  });

  it('creates every owned object and reports progress in the status', async () => {
    await startOperator('operator-a');
    cp.apply([cluster({ instances: 3 })]);
    await cp.waitFor('owned objects', 60_000, () => {
      const pvcs = owned('pvc');
      return pvcs.length === 3 && owned('pods').length === 3 ? true : `pvcs ${pvcs}`;
    });
    assert.deepEqual(owned('pvc'), ['pg-1', 'pg-2', 'pg-3']);
    assert.deepEqual(owned('services'), ['pg', 'pg-r', 'pg-ro', 'pg-rw']);
    assert.deepEqual(owned('secrets'), ['pg-agent', 'pg-app', 'pg-replication', 'pg-superuser']);
    assert.deepEqual(owned('configmaps'), ['pg-config']);
    assert.deepEqual(owned('pdb'), ['pg']);
    await cp.waitFor('status', 30_000, () => {
      const s = cp.getJson(['postgrescluster', 'pg', '-n', NS]).status;
      return s?.phase === 'Initializing' && s.observedGeneration === 1 && s.conditions?.length === 4 ? true : JSON.stringify(s);
    });
    const s = cp.getJson(['postgrescluster', 'pg', '-n', NS]).status;
    const ready = s.conditions.find((c: any) => c.type === 'Ready');
    assert.equal(ready.status, 'False');
    assert.match(ready.message, /waiting for pg-1's agent/);
    const table = cp.kubectl(['get', 'postgresclusters', '-n', NS]);
    assert.match(table, /NAME\s+PRIMARY\s+READY\s+INSTANCES\s+PHASE\s+AGE/);
  });

  it('scales up and down by editing instances', async () => {
    cp.apply([cluster({ instances: 5 })]);
    await cp.waitFor('5 instances', 60_000, () => (owned('pvc').length === 5 ? true : owned('pvc').join()));
    cp.apply([cluster({ instances: 2 })]);
    await cp.waitFor('2 instances', 60_000, () => (owned('pvc').join() === 'pg-1,pg-2' && owned('pods').join() === 'pg-1,pg-2' ? true : owned('pvc').join()));
  });

  it('converges to the same state after the operator is killed mid-reconcile, and keeps the generated secrets', async () => {
    const before = cp.getJson(['secret', 'pg-app', '-n', NS]).data.password;
    cp.apply([cluster({ instances: 4 })]);
    const [a] = operators;
    process.kill(a!.pid()!, 'SIGKILL');
    await a!.exited;
    await a!.start();
    await cp.waitFor('4 instances', 90_000, () => (owned('pvc').join() === 'pg-1,pg-2,pg-3,pg-4' ? true : owned('pvc').join()));
    assert.deepEqual(owned('pods'), ['pg-1', 'pg-2', 'pg-3', 'pg-4']);
    assert.equal(cp.getJson(['secret', 'pg-app', '-n', NS]).data.password, before);
  });

  it('lets one of two operators reconcile at a time (the Lease), and hands over on a drain', async () => {
    const [a] = operators;
    const b = await startOperator('operator-b');
    await cp.waitFor('a leads', 30_000, () => (cp.getJson(['lease', 'converge-operator', '-n', NS]).spec.holderIdentity === 'operator-a' ? true : 'not yet'));
    assert.equal(await leader(a!), true);
    assert.equal(await leader(b), false);
    await a!.stop(10_000);
    await cp.waitFor('b leads', 30_000, () => (cp.getJson(['lease', 'converge-operator', '-n', NS]).spec.holderIdentity === 'operator-b' ? true : 'not yet'));
    cp.apply([cluster({ instances: 3 })]);
    await cp.waitFor('b reconciles', 60_000, () => (owned('pvc').join() === 'pg-1,pg-2,pg-3' ? true : owned('pvc').join()));
  });

  it('deleting the cluster removes every owned object', async () => {
    cp.kubectl(['delete', 'postgrescluster', 'pg', '-n', NS, '--wait=true']);
    await cp.waitFor('owned objects gone', 90_000, () => {
      const left = ['pvc', 'pods', 'services', 'secrets', 'configmaps', 'pdb'].flatMap((k) => owned(k));
      return left.length === 0 ? true : left.join();
    });
  });
});
