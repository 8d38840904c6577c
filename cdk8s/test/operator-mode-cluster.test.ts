import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, spawnService, type ServiceProcess } from '@converge/testing';
import { ControlPlane, ensureTools } from '@converge/testing/kube';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { fakeNodes, HELM_NAMESPACE, namespace, NAMESPACE, secrets, STORAGE_CLASS, storage } from './support/cluster-fixtures';
import { helm, type K8sObject } from './support/helm';
import { CHART_DIR, REPO } from './support/paths';

// The chart with its defaults (operator mode: a PostgresCluster and a RedisSentinel) on a real
// kube-apiserver with controller-manager (kwok nodes: pods are scheduled and reported running, no
// container runs). The CRDs from crds/ go first, then the chart; then the operator itself runs on this
// host as the chart's ServiceAccount (a TokenRequest token, nothing else): that it makes every object
// of the PostgresCluster and of the RedisSentinel and takes the Lease shows the Role is enough, and
// the same token is refused what the Role does not grant.
const OPERATOR_MAIN = join(REPO, 'operator', 'dist', 'src', 'main.js');
const ELSEWHERE = 'not-converge';
// The defaults, but for the StorageClass the test's volumes are in.
const values = {
  dataLayer: {
    postgres: { cluster: { storage: { size: '10Gi', storageClass: STORAGE_CLASS } } },
    redis: { sentinel: { storage: { storageClass: STORAGE_CLASS } } },
  },
  nats: { storage: { storageClassName: STORAGE_CLASS } },
};
const CRDS = ['postgresclusters.data.converge.io', 'redissentinels.data.converge.io'];

describe('operator mode on a real control plane', { timeout: 30 * 60_000 }, () => {
  let cp: ControlPlane;
  let operator: ServiceProcess | undefined;
  let objects: K8sObject[] = [];
  let rendered = '';
  let operatorKubeconfig = '';

  /** kubectl with the operator's token: exit status and output, never throws. */
  const asOperator = (args: string[]) => {
    const { kubectl } = ensureTools('kubectl');
    const r = spawnSync(kubectl, ['--kubeconfig', operatorKubeconfig, '--request-timeout=30s', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const namesOf = (kind: string, selector: string) =>
    (cp.getJson([kind, '-n', NAMESPACE, '-l', selector]).items as K8sObject[]).map((o) => o.metadata.name).sort();

  before(() => {
    cp = ControlPlane.start();
    // 3 NATS claims, 3 PostgreSQL instance claims, 3 Redis claims; 3 NATS claims for the helm install.
    cp.apply([...fakeNodes(3), namespace(NAMESPACE), namespace(ELSEWHERE), namespace(HELM_NAMESPACE), ...storage(12, '10Gi')]);
    cp.apply(secrets(), NAMESPACE);
    cp.apply(secrets(), HELM_NAMESPACE);
    cp.apply(secrets(), ELSEWHERE);
  }, { timeout: 20 * 60_000 });

  after(async () => {
    await operator?.stop(5000).catch(() => undefined);
    cp?.stop();
  });

  test('the CRDs in crds/ apply first and are established', () => {
    const out = cp.kubectl(['apply', '--server-side', '--field-manager=helm', '-f', join(CHART_DIR, 'crds')]);
    for (const crd of CRDS) assert.match(out, new RegExp(`${crd.replaceAll('.', '\\.')} serverside-applied`));
    cp.kubectl(['wait', '--for=condition=Established', ...CRDS.map((c) => `crd/${c}`), '--timeout=60s']);
  });

  test('the chart renders against the cluster and every object applies, both resources validated by their CRDs', async () => {
    await cp.waitFor('PostgresCluster and RedisSentinel APIs served', 30_000, () => {
      const served = cp.kubectl(['api-resources', '--api-group=data.converge.io']);
      return (served.includes('postgresclusters') && served.includes('redissentinels')) || 'not yet';
    });
    const r = helm(['template', 'conv', CHART_DIR, '--namespace', NAMESPACE, '--validate', '--kubeconfig', cp.kubeconfig], values);
    assert.equal(r.status, 0, r.stderr);
    rendered = r.stdout;
    objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
    for (const kind of ['PostgresCluster', 'RedisSentinel', 'Role', 'RoleBinding', 'ServiceAccount']) assert.ok(objects.some((o) => o.kind === kind), kind);
    // The operator makes the RedisSentinel's Secret: the chart must not have applied one of that name.
    assert.equal(objects.some((o) => o.kind === 'Secret' && o.metadata.name === 'conv-redis-auth'), false);
    const out = cp.apply(rendered, NAMESPACE);
    for (const o of objects) assert.match(out, new RegExp(`${o.metadata.name} serverside-applied`), `${o.kind}/${o.metadata.name}`);
    // The API server applied the CRD's defaults and accepted the chart's spec (CEL rules included).
    const pg = cp.getJson(['postgrescluster', 'conv-pg', '-n', NAMESPACE]);
    assert.equal(pg.spec.instances, 3);
    assert.deepEqual(pg.spec.databases, ['converge_user', 'converge_chat']);
    const rds = cp.getJson(['redissentinel', 'conv-redis', '-n', NAMESPACE]);
    assert.deepEqual([rds.spec.replicas, rds.spec.sentinels, rds.spec.quorum, rds.spec.masterName], [3, 3, 2, 'converge']);
  });

  test('the install notes name the Secret the operator makes instead of a PostgreSQL password Secret', () => {
    const r = helm(['install', 'conv-notes', CHART_DIR, '--dry-run=server', '--namespace', NAMESPACE, '--kubeconfig', cp.kubeconfig], values);
    assert.equal(r.status, 0, r.stderr);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    assert.match(notes, /PostgresCluster conv-notes-pg/);
    assert.match(notes, /Secret conv-notes-pg-app/);
    assert.match(notes, /RedisSentinel conv-notes-redis/);
    assert.match(notes, /Secret conv-notes-redis-auth, generated by the operator/);
    assert.match(notes, /Needed Secrets in converge: converge-jwt \(key signing-key\.pem\)\./);
  });

  test("the operator's Deployment is admitted (restricted Pod Security) and its 2 replicas become ready", async () => {
    await cp.waitFor('operator ready', 180_000, () => {
      const d = cp.getJson(['-n', NAMESPACE, 'deployment', 'conv-operator']);
      return d.status?.readyReplicas === 2 || `${d.status?.readyReplicas ?? 0}/2 ready`;
    });
  });

  test('the operator, as the chart ServiceAccount, makes every object of the PostgresCluster and the RedisSentinel and takes the Lease', async () => {
    // A short-lived token for the ServiceAccount (TokenRequest), in a kubeconfig of its own.
    const token = cp.kubectl(['create', 'token', 'conv-operator', '-n', NAMESPACE, '--duration', '1h']).trim();
    const admin = parse(readFileSync(cp.kubeconfig, 'utf8'));
    const clusterName: string = admin.clusters[0].name;
    operatorKubeconfig = join(cp.dir, 'operator-kubeconfig');
    writeFileSync(
      operatorKubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: admin.clusters,
        users: [{ name: 'conv-operator', user: { token } }],
        contexts: [{ name: 'operator', context: { cluster: clusterName, user: 'conv-operator', namespace: NAMESPACE } }],
        'current-context': 'operator',
      }),
      { mode: 0o600 },
    );
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'conv-operator') as K8sObject;
    const env = new Map<string, string>(deployment.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const port = await freePort();
    operator = await spawnService({
      name: 'operator',
      entry: OPERATOR_MAIN,
      port,
      metricsPort: port,
      // What the Deployment gives it, the downward API's fields filled in as the kubelet would.
      env: {
        KUBECONFIG: operatorKubeconfig,
        WATCH_NAMESPACE: NAMESPACE,
        POD_NAME: 'conv-operator-on-host',
        LEASE_NAME: env.get('LEASE_NAME') ?? '',
        POSTGRES_IMAGE: env.get('POSTGRES_IMAGE') ?? '',
        REDIS_IMAGE: env.get('REDIS_IMAGE') ?? '',
        LOG_LEVEL: env.get('LOG_LEVEL') ?? 'info',
      },
    });

    const cluster = 'data.converge.io/cluster=conv-pg';
    await cp.waitFor('owned objects', 120_000, () => {
      const pods = namesOf('pods', cluster);
      const pvcs = namesOf('pvc', cluster);
      return pods.length === 3 && pvcs.length === 3 ? true : `pods ${pods}, claims ${pvcs}`;
    });
    assert.deepEqual(namesOf('services', cluster), ['conv-pg', 'conv-pg-r', 'conv-pg-ro', 'conv-pg-rw']);
    assert.deepEqual(namesOf('secrets', cluster), ['conv-pg-agent', 'conv-pg-app', 'conv-pg-replication', 'conv-pg-superuser']);
    assert.deepEqual(namesOf('configmaps', cluster), ['conv-pg-config']);
    assert.deepEqual(namesOf('pdb', cluster), ['conv-pg']);
    assert.deepEqual(namesOf('pvc', cluster), ['conv-pg-1', 'conv-pg-2', 'conv-pg-3']);
    assert.deepEqual(namesOf('pods', cluster), ['conv-pg-1', 'conv-pg-2', 'conv-pg-3']);
    const pod = cp.getJson(['pod', 'conv-pg-1', '-n', NAMESPACE]);
    assert.equal(pod.spec.containers[0].image, env.get('POSTGRES_IMAGE'), 'instance pods run operator.postgresImage');
    // The instance pods carry what the chart's NetworkPolicy for PostgreSQL selects on.
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'conv-postgres') as K8sObject;
    for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels as Record<string, string>)) assert.equal(pod.metadata.labels[k], v, k);

    // The RedisSentinel: its two StatefulSets (whose pods the StatefulSet controller makes, admitted
    // by the restricted Pod Security Standard), claims, Services, ConfigMap, PDBs and Secret.
    const rds = 'data.converge.io/redis-sentinel=conv-redis';
    await cp.waitFor('the RedisSentinel objects', 180_000, () => {
      const pods = namesOf('pods', rds);
      const claims = (cp.getJson(['pvc', '-n', NAMESPACE]).items as K8sObject[]).filter((c) => c.metadata.name.startsWith('data-conv-redis-redis-') && c.status?.phase === 'Bound');
      // A verb the Role lacks shows in the operator's log: name it rather than only time out.
      const refused = /[^\n]*forbidden[^\n]*/i.exec(operator?.output() ?? '')?.[0]?.slice(0, 400) ?? '';
      return pods.length === 6 && claims.length === 3 ? true : `pods ${pods}, bound Redis claims ${claims.length} ${refused}`;
    });
    assert.deepEqual(namesOf('statefulsets', rds), ['conv-redis-redis', 'conv-redis-sentinel']);
    assert.deepEqual(namesOf('pods', rds), ['conv-redis-redis-0', 'conv-redis-redis-1', 'conv-redis-redis-2', 'conv-redis-sentinel-0', 'conv-redis-sentinel-1', 'conv-redis-sentinel-2']);
    assert.deepEqual(namesOf('services', rds), ['conv-redis-master', 'conv-redis-redis-headless', 'conv-redis-sentinel', 'conv-redis-sentinel-headless']);
    assert.deepEqual(namesOf('configmaps', rds), ['conv-redis-redis-config']);
    assert.deepEqual(namesOf('pdb', rds), ['conv-redis-redis', 'conv-redis-sentinel']);
    assert.deepEqual(namesOf('secrets', rds), ['conv-redis-auth']);
    const auth = cp.getJson(['secret', 'conv-redis-auth', '-n', NAMESPACE]);
    assert.equal(auth.metadata.ownerReferences?.[0]?.kind, 'RedisSentinel', "the operator's Secret, not the chart's");
    // The services' env names what the operator made: every Sentinel pod's stable DNS name, that Secret.
    const chat = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'conv-chat') as K8sObject;
    const chatEnv = new Map<string, any>(chat.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const headless = cp.getJson(['service', 'conv-redis-sentinel-headless', '-n', NAMESPACE]);
    assert.equal(headless.spec.clusterIP, 'None');
    const sentinelSts = cp.getJson(['statefulset', 'conv-redis-sentinel', '-n', NAMESPACE]);
    assert.equal(sentinelSts.spec.serviceName, 'conv-redis-sentinel-headless', 'pods get <pod>.<headless> DNS names');
    assert.equal(
      chatEnv.get('REDIS_SENTINELS'),
      namesOf('pods', `${rds},data.converge.io/redis-component=sentinel`).map((p) => `${p}.conv-redis-sentinel-headless.${NAMESPACE}.svc:26379`).join(','),
    );
    assert.deepEqual(chatEnv.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } });
    // The Redis and Sentinel pods run operator.redisImage and carry what the chart's NetworkPolicies select.
    for (const [podName, policyName] of [['conv-redis-redis-0', 'conv-redis'], ['conv-redis-sentinel-0', 'conv-sentinel']] as const) {
      const p = cp.getJson(['pod', podName, '-n', NAMESPACE]);
      assert.equal(p.spec.containers[0].image, env.get('REDIS_IMAGE'), `${podName} runs operator.redisImage`);
      const np = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === policyName) as K8sObject;
      for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels as Record<string, string>)) assert.equal(p.metadata.labels[k], v, `${podName}: ${k}`);
    }

    // The Lease is the chart's name, held by this process; the status subresource is written.
    await cp.waitFor('lease and status', 60_000, () => {
      const lease = cp.getJson(['lease', 'conv-operator', '-n', NAMESPACE]);
      const status = cp.getJson(['postgrescluster', 'conv-pg', '-n', NAMESPACE]).status;
      if (lease.spec?.holderIdentity !== 'conv-operator-on-host') return `lease held by ${lease.spec?.holderIdentity}`;
      if (!(status?.observedGeneration === 1 && status.conditions?.length > 0)) return `status ${JSON.stringify(status)}`;
      const redisStatus = cp.getJson(['redissentinel', 'conv-redis', '-n', NAMESPACE]).status;
      return redisStatus?.observedGeneration === 1 && redisStatus.phase ? true : `redis status ${JSON.stringify(redisStatus)}`;
    });
    assert.match(await (await fetch(`${operator.metricsUrl}/metrics`)).text(), /converge_operator_leader\{[^}]*\} 1/);
    // Nothing it tried was refused (a missing verb shows as a failed reconcile naming "forbidden").
    assert.doesNotMatch(operator.output(), /forbidden/i, operator.output().slice(-3000));
  });

  test('the same token is refused what the Role does not grant', () => {
    assert.ok(operatorKubeconfig, 'the operator token exists');
    const refused = (args: string[]) => {
      const r = asOperator(args);
      assert.notEqual(r.status, 0, `${args.join(' ')} was allowed: ${r.out}`);
      assert.match(r.out, /forbidden/i, args.join(' '));
    };
    refused(['get', 'secrets', '-n', ELSEWHERE]);
    refused(['get', 'pods', '-n', ELSEWHERE]);
    refused(['get', 'postgresclusters', '-n', ELSEWHERE]);
    refused(['get', 'redissentinels', '-n', ELSEWHERE]);
    refused(['get', 'statefulsets', '-n', ELSEWHERE]);
    // In its own namespace: no listing of Secrets, no reading of one it does not need.
    refused(['get', 'secrets', '-n', NAMESPACE]);
    refused(['get', 'secret', 'converge-postgres', '-n', NAMESPACE]);
    refused(['get', 'secret', 'conv-pg-app', '-n', NAMESPACE]);
    refused(['delete', 'deployment', 'conv-chat', '-n', NAMESPACE]);
    refused(['delete', 'statefulset', 'conv-nats', '-n', NAMESPACE]);
    refused(['get', 'secret', 'conv-nats-auth', '-n', NAMESPACE]);
    refused(['create', 'clusterrolebinding', 'escalate', '--clusterrole=cluster-admin', '--serviceaccount=converge:conv-operator']);
    // …and allowed what it needs: the agent token and the Redis password by name.
    for (const name of ['conv-pg-agent', 'conv-redis-auth']) {
      const ok = asOperator(['get', 'secret', name, '-n', NAMESPACE, '-o', 'name']);
      assert.equal(ok.status, 0, ok.out);
    }
  });

  test('helm install --wait with the defaults (the path `make deploy` takes) succeeds and creates both resources', () => {
    // crds/ is already in the cluster (Helm skips it then); no operator leads here, so only the chart's own objects.
    const r = helm(['install', 'conv', CHART_DIR, '--namespace', HELM_NAMESPACE, '--kubeconfig', cp.kubeconfig, '--wait', '--timeout', '4m'], values, 300_000);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /STATUS: deployed/);
    assert.equal(cp.getJson(['postgrescluster', 'conv-pg', '-n', HELM_NAMESPACE]).spec.instances, 3);
    assert.equal(cp.getJson(['redissentinel', 'conv-redis', '-n', HELM_NAMESPACE]).spec.masterName, 'converge');
    assert.equal(cp.getJson(['deployment', 'conv-operator', '-n', HELM_NAMESPACE]).status.readyReplicas, 2);
  });
});
