import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PostgresCluster, PostgresClusterSpec } from '../api/postgres-cluster';
import { agentConfig, buildConfigMap, synchronousStandbyNames } from './config-map';
import { buildInstancePod, buildInstancePvc } from './instance';
import { planInstances } from './instance-set';
import { buildPdb } from './pdb';
import { buildSecrets } from './secrets';
import { buildServices } from './services';

const cluster = (spec: object = {}): PostgresCluster => ({
  apiVersion: 'data.converge.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'pg', namespace: 'db', uid: 'u-1', generation: 1 },
  spec: PostgresClusterSpec.parse(spec),
});
const owner = [{ apiVersion: 'data.converge.io/v1alpha1', kind: 'PostgresCluster', name: 'pg', uid: 'u-1', controller: true, blockOwnerDeletion: true }];

describe('builders', () => {
  it('services: -rw selects the primary label, -ro the replicas, -r any, the headless one publishes unready pods', () => {
    const [headless, rw, ro, r] = buildServices(cluster()) as any[];
    assert.deepEqual(rw.metadata.ownerReferences, owner);
    assert.equal(rw.metadata.name, 'pg-rw');
    assert.deepEqual(rw.spec.selector, { 'data.converge.io/cluster': 'pg', 'data.converge.io/role': 'primary' });
    assert.deepEqual(ro.spec.selector, { 'data.converge.io/cluster': 'pg', 'data.converge.io/role': 'replica' });
    assert.deepEqual(r.spec.selector, { 'data.converge.io/cluster': 'pg' });
    assert.equal(headless.spec.clusterIP, 'None');
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    assert.deepEqual(rw.spec.ports, [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
  });

  it('synchronous: quorum ANY n of the replicas by default, none for one instance or mode off', () => {
    assert.equal(synchronousStandbyNames(cluster()), 'ANY 1 (*)');
    assert.equal(synchronousStandbyNames(cluster({ instances: 1 })), '');
    assert.equal(synchronousStandbyNames(cluster({ synchronous: { mode: 'off' } })), '');
    assert.equal(synchronousStandbyNames(cluster({ instances: 5, synchronous: { number: 2 } })), 'ANY 2 (*)');
    const cm = buildConfigMap(cluster({ parameters: { max_connections: '200' } })) as any;
    assert.equal(cm.metadata.name, 'pg-config');
    assert.deepEqual(JSON.parse(cm.data['postgresql.json']), agentConfig(cluster({ parameters: { max_connections: '200' } })));
    assert.deepEqual(JSON.parse(cm.data['postgresql.json']).databases, ['converge_user', 'converge_chat']);
  });

  it('instance pod: agent as PID 1, restricted security, the role label, its own claim and the secrets as files', () => {
    const pod = buildInstancePod(cluster({ image: 'img:1', resources: { limits: { memory: '1Gi' } } }), 'pg-2', 'replica', { image: 'default' }) as any;
    assert.deepEqual(pod.metadata.labels['data.converge.io/role'], 'replica');
    assert.equal(pod.metadata.labels['data.converge.io/instance'], 'pg-2');
    assert.deepEqual(pod.metadata.ownerReferences, owner);
    assert.equal(pod.spec.hostname, 'pg-2');
    assert.equal(pod.spec.subdomain, 'pg');
    assert.equal(pod.spec.automountServiceAccountToken, false);
    const [c] = pod.spec.containers;
    assert.equal(c.image, 'img:1');
    assert.deepEqual(c.command, ['tini', '--', 'node', '/app/operator/dist/src/agent/main.js']);
    assert.deepEqual(c.resources, { limits: { memory: '1Gi' } });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(pod.spec.securityContext.runAsUser, 10232);
    assert.deepEqual(pod.spec.volumes.find((v: any) => v.name === 'data'), { name: 'data', persistentVolumeClaim: { claimName: 'pg-2' } });
    assert.deepEqual(pod.spec.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName), ['pg-superuser', 'pg-replication', 'pg-app', 'pg-agent']);
    assert.equal(c.env.find((e: any) => e.name === 'INSTANCE_NAME').value, 'pg-2');
    assert.ok(!JSON.stringify(pod).includes('password'), 'no credential in the pod spec');
    assert.equal(pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
    assert.equal((buildInstancePod(cluster(), 'pg-1', 'primary', { image: 'default' }) as any).spec.containers[0].image, 'default');
  });

  it('claims: the spec size and class; PDB: one instance at a time', () => {
    const pvc = buildInstancePvc(cluster({ storage: { size: '5Gi', storageClass: 'fast' } }), 'pg-1') as any;
    assert.deepEqual(pvc.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' });
    assert.equal((buildInstancePvc(cluster(), 'pg-1') as any).spec.storageClassName, undefined);
    assert.deepEqual((buildPdb(cluster()) as any).spec, { maxUnavailable: 1, selector: { matchLabels: { 'data.converge.io/cluster': 'pg' } } });
  });

  it('secrets: four generated credentials with distinct random values', () => {
    let i = 0;
    const s = buildSecrets(cluster(), () => `r${i++}`) as any[];
    assert.deepEqual(s.map((x) => x.metadata.name), ['pg-superuser', 'pg-replication', 'pg-app', 'pg-agent']);
    assert.deepEqual(s.map((x) => x.stringData.password ?? x.stringData.token), ['r0', 'r1', 'r2', 'r3']);
    assert.equal(s[2].stringData.username, 'converge');
  });

  it('instance set: scale up fills the lowest free serials; scale down removes the highest, never the primary', () => {
    assert.deepEqual(planInstances('pg', [], 3, []), { create: ['pg-1', 'pg-2', 'pg-3'], remove: [] });
    assert.deepEqual(planInstances('pg', ['pg-1', 'pg-3'], 3, []), { create: ['pg-2'], remove: [] });
    assert.deepEqual(planInstances('pg', ['pg-1', 'pg-2', 'pg-3'], 1, ['pg-3']), { create: [], remove: ['pg-2', 'pg-1'] });
    assert.deepEqual(planInstances('pg', ['pg-1', 'pg-2', 'pg-3'], 2, ['pg-1']), { create: [], remove: ['pg-3'] });
    assert.deepEqual(planInstances('pg', ['pg-1', 'other-1', 'pg-x'], 1, []), { create: [], remove: [] });
  });
});
