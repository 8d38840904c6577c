import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { helm, type K8sObject } from './support/helm';
import { CHART_DIR } from './support/paths';
import { ControlPlane } from '@converge/testing/kube';
import { fakeNodes, HELM_NAMESPACE, namespace, NAMESPACE, secrets, serviceMonitorCrd, STORAGE_CLASS, storage } from './support/cluster-fixtures';
import { parseAllDocuments } from 'yaml';

// The whole chart on a real kube-apiserver (v1.35, with controller-manager, scheduler and kwok
// fake nodes) with dataLayer.mode=external (the operator mode, the default, has its own cluster test:
// operator-mode-cluster.test.ts): it applies with server-side apply and strict validation in a
// namespace enforcing the restricted Pod Security Standard, and every workload becomes ready.
const EXTERNAL = { dataLayer: { mode: 'external' } };
describe('the chart on a real control plane', { timeout: 75 * 60_000 }, () => {
  let cp: ControlPlane;
  let rendered = '';
  let objects: K8sObject[] = [];

  before(() => {
    cp = ControlPlane.start();
    cp.apply([...fakeNodes(3), namespace(NAMESPACE), namespace(HELM_NAMESPACE), ...storage(6, '10Gi'), serviceMonitorCrd()]);
    cp.apply(secrets(), NAMESPACE);
    cp.apply(secrets(), HELM_NAMESPACE);
  }, { timeout: 70 * 60_000 });

  after(() => cp?.stop());

  test('helm renders against the cluster (capabilities from the server: the ServiceMonitor CRD is seen)', async () => {
    // The CRD's API takes a moment to appear in discovery.
    await cp.waitFor('ServiceMonitor API served', 30_000, () =>
      cp.kubectl(['api-resources', '--api-group=monitoring.coreos.com']).includes('servicemonitors') || 'not yet');
    const r = helm(
      ['template', 'conv', CHART_DIR, '--namespace', NAMESPACE, '--validate', '--kubeconfig', cp.kubeconfig],
      { ...EXTERNAL, nats: { storage: { storageClassName: STORAGE_CLASS } } },
    );
    assert.equal(r.status, 0, r.stderr);
    rendered = r.stdout;
    objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
    assert.ok(objects.some((o) => o.kind === 'ServiceMonitor'), 'ServiceMonitor rendered because the cluster serves the CRD');
  });

  test('every object applies with server-side apply and strict field validation', () => {
    assert.ok(rendered, 'rendered chart');
    const out = cp.apply(rendered, NAMESPACE);
    for (const o of objects) {
      assert.match(out, new RegExp(`${o.metadata.name} serverside-applied`), `${o.kind}/${o.metadata.name}`);
    }
    // A second apply of the same manifests is a no-op conflict-free update (the release is re-appliable).
    cp.apply(rendered, NAMESPACE);
  });

  test('the NetworkPolicies are accepted as rendered, each restricting ingress and egress', () => {
    const list = JSON.parse(cp.kubectl(['get', 'networkpolicy', '-n', NAMESPACE, '-o', 'json'])) as { items: K8sObject[] };
    const names = list.items.map((np) => np.metadata.name).sort();
    assert.deepEqual(names, ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-user', 'conv-web']);
    for (const np of list.items) {
      assert.deepEqual([...np.spec.policyTypes].sort(), ['Egress', 'Ingress'], np.metadata.name);
      const mine = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === np.metadata.name);
      assert.deepEqual(np.spec.egress ?? [], mine?.spec.egress ?? [], `${np.metadata.name}: egress stored as rendered`);
    }
  });

  test('the checks have teeth: strict validation refuses an unknown field, the namespace refuses a root pod', () => {
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment')) as K8sObject;
    deployment.metadata.name = 'typo-check';
    deployment.spec.replica = 2;
    assert.throws(() => cp.apply([deployment], NAMESPACE), /\.spec\.replica: field not declared in schema/);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root-check' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { runAsUser: 0 } }] },
    };
    assert.throws(() => cp.apply([pod], NAMESPACE), /violates PodSecurity "restricted/);
  });

  test('every Deployment and the NATS StatefulSet report all replicas ready', async () => {
    const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    assert.equal(workloads.length, 4);
    await cp.waitFor('all workloads ready', 240_000, () => {
      for (const w of workloads) {
        const live = cp.getJson(['-n', NAMESPACE, w.kind.toLowerCase(), w.metadata.name]);
        const want = live.spec.replicas;
        const ready = live.status?.readyReplicas ?? 0;
        if (w.kind === 'Deployment' && want < 2) return `${w.metadata.name}: HPA has not scaled to minReplicas yet`;
        if (ready !== want) return `${w.kind}/${w.metadata.name}: ${ready}/${want} ready`;
      }
      return true;
    });
    const sts = cp.getJson(['-n', NAMESPACE, 'statefulset', 'conv-nats']);
    assert.equal(sts.status.readyReplicas, 3);
    const pvcs = cp.getJson(['-n', NAMESPACE, 'pvc']).items;
    assert.equal(pvcs.filter((p: any) => p.status.phase === 'Bound').length, 3, 'one bound PVC per NATS server');
    const pods = cp.getJson(['-n', NAMESPACE, 'pods']).items;
    const nodes = new Set(pods.map((p: any) => p.spec.nodeName));
    assert.ok(nodes.size >= 2, `pods spread across nodes (${[...nodes].join(', ')})`);
  });

  test('the HPAs are accepted and drive their Deployments; the PDBs are computed', async () => {
    await cp.waitFor('HPA and PDB status', 120_000, () => {
      for (const n of ['conv-user', 'conv-chat', 'conv-web']) {
        const hpa = cp.getJson(['-n', NAMESPACE, 'hpa', n]);
        const able = hpa.status?.conditions?.find((c: any) => c.type === 'AbleToScale');
        if (able?.status !== 'True') return `hpa ${n}: AbleToScale=${able?.status}`;
        if (hpa.status.currentReplicas !== 2) return `hpa ${n}: ${hpa.status.currentReplicas} replicas`;
      }
      for (const n of ['conv-user', 'conv-chat', 'conv-web', 'conv-nats']) {
        const pdb = cp.getJson(['-n', NAMESPACE, 'pdb', n]);
        const s = pdb.status ?? {};
        if (s.observedGeneration !== pdb.metadata.generation) return `pdb ${n}: not observed`;
        if (s.currentHealthy !== s.expectedPods || s.disruptionsAllowed !== 1) {
          return `pdb ${n}: healthy ${s.currentHealthy}/${s.expectedPods}, disruptions ${s.disruptionsAllowed}`;
        }
      }
      return true;
    });
  });

  test('helm install --wait (the path `make deploy` takes) succeeds in a second namespace', () => {
    const r = helm(
      ['install', 'conv', CHART_DIR, '--namespace', HELM_NAMESPACE, '--kubeconfig', cp.kubeconfig, '--wait', '--timeout', '4m'],
      { ...EXTERNAL, nats: { storage: { storageClassName: STORAGE_CLASS } } },
      300_000,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /STATUS: deployed/);
    assert.match(r.stdout, /Needed Secrets in converge-helm: converge-jwt/, 'NOTES.txt rendered');
  });
});
