import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { envOf, find, helm, type K8sObject, renderChart } from './support/helm';
import { everyOperatorKnob as k } from './support/knobs';
import { CHART_DIR, REPO } from './support/paths';

// PostgreSQL run by the chart's operator (dataLayer.mode or dataLayer.postgres.mode = operator): the
// CRD, the operator with its RBAC, a PostgresCluster for Converge, the NetworkPolicies around them,
// and the services pointed at the cluster's primary with the Secret the operator generates.
const OPERATOR_KINDS = ['ServiceAccount', 'Role', 'RoleBinding', 'PostgresCluster'];
const component = (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'];
const pgCluster = (peer: any) => peer.podSelector?.matchLabels?.['data.converge.io/cluster'];
const portsOf = (rule: any) => (rule.ports ?? []).map((p: any) => p.port);
const main = (objs: K8sObject[], c: string) => find(objs, 'Deployment', `conv-${c}`).spec.template.spec.containers[0];

describe('helm template with dataLayer.mode=operator', () => {
  const objs = renderChart({ dataLayer: { mode: 'operator' } }, ['--include-crds']);

  test('both CRDs come from crds/, the same files the operator generates', () => {
    for (const name of ['postgresclusters.data.converge.io', 'redissentinels.data.converge.io']) {
      const crd = find(objs, 'CustomResourceDefinition', name);
      assert.equal(crd.spec.group, 'data.converge.io');
      assert.equal(crd.spec.versions[0].name, 'v1alpha1');
      const chartCopy = readFileSync(join(CHART_DIR, 'crds', `${name}.yaml`), 'utf8');
      const operatorCopy = readFileSync(join(REPO, 'operator', 'crds', `${name}.yaml`), 'utf8');
      assert.equal(chartCopy, operatorCopy, `charts/converge/crds/${name}.yaml is stale: run \`npm run crd -w operator\` and \`make chart\``);
    }
  });

  test('a PostgresCluster <release>-pg with the values, kept on uninstall', () => {
    const pg = find(objs, 'PostgresCluster', 'conv-pg');
    assert.equal(pg.apiVersion, 'data.converge.io/v1alpha1');
    assert.deepEqual(pg.spec, {
      instances: 3,
      imagePullPolicy: 'IfNotPresent',
      storage: { size: '10Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      synchronous: { mode: 'quorum', number: 1 },
      failoverDelaySeconds: 2,
      databases: ['converge_user', 'converge_chat'],
    });
    assert.equal(pg.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.equal(pg.metadata.labels?.['app.kubernetes.io/instance'], 'conv');
  });

  test('user and chat use the cluster primary (-rw) as the app user, the password from the Secret the operator makes', () => {
    for (const [c, db] of [['user', 'converge_user'], ['chat', 'converge_chat']] as const) {
      const d = find(objs, 'Deployment', `conv-${c}`).spec.template.spec;
      for (const container of [...d.initContainers, ...d.containers]) {
        const env = envOf(container);
        assert.equal(env.get('DATABASE_URL'), `postgres://converge@conv-pg-rw:5432/${db}`, `${c}/${container.name}`);
        assert.deepEqual(env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'conv-pg-app', key: 'password' } });
      }
      // Redis is the operator's too (helm-redis-operator.test.ts has the details).
      assert.equal(envOf(main(objs, c)).get('REDIS_MASTER_NAME'), 'converge');
    }
  });

  test('the operator: a hardened Deployment of 2 with its own ServiceAccount, probes on 8080 and its env', () => {
    const dep = find(objs, 'Deployment', 'conv-operator');
    assert.equal(dep.spec.replicas, 2);
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(pod.serviceAccountName, 'conv-operator');
    assert.equal(pod.automountServiceAccountToken, true, 'the one pod with an API token');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.image, 'ghcr.io/converge-chat/converge-operator:0.1.0');
    assert.deepEqual(c.command, ['node', 'dist/src/main.js']);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'metrics' });
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'metrics' });
    assert.deepEqual(c.ports, [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
    assert.ok(pod.terminationGracePeriodSeconds >= 15, 'time to release the Lease after SIGTERM');
    const env = envOf(c);
    assert.deepEqual(env.get('WATCH_NAMESPACE'), { fieldRef: { fieldPath: 'metadata.namespace' } });
    assert.deepEqual(env.get('POD_NAME'), { fieldRef: { fieldPath: 'metadata.name' } });
    assert.equal(env.get('LEASE_NAME'), 'conv-operator');
    assert.equal(env.get('POSTGRES_IMAGE'), 'ghcr.io/converge-chat/converge-postgres:0.1.0');
    assert.equal(env.get('REDIS_IMAGE'), 'ghcr.io/converge-chat/converge-redis:0.1.0');
    assert.equal(env.get('METRICS_PORT'), '8080');
    assert.equal(env.get('LOG_LEVEL'), 'info');
    assert.equal(dep.spec.template.metadata.annotations['prometheus.io/port'], '8080');
    assert.deepEqual(pod.topologySpreadConstraints.map((t: any) => t.topologyKey), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    assert.equal(find(objs, 'PodDisruptionBudget', 'conv-operator').spec.maxUnavailable, 1);
    const svc = find(objs, 'Service', 'conv-operator');
    assert.deepEqual(svc.spec.ports, [{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }]);
    assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
  });

  test('RBAC: a Role bound to the operator only, no wildcard, no Secret listing, named Secret and Lease', () => {
    assert.equal(objs.some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'), false);
    const role = find(objs, 'Role', 'conv-operator');
    const binding = find(objs, 'RoleBinding', 'conv-operator');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'conv-operator' });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'conv-operator', namespace: 'converge' }]);
    const rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[] = role.rules;
    for (const r of rules) {
      for (const field of [r.apiGroups, r.resources, r.verbs]) assert.ok(!field.includes('*'), JSON.stringify(r));
    }
    const verbs = (resource: string, group = '') =>
      rules.filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource));
    const secretVerbs = verbs('secrets').flatMap((r) => r.verbs);
    for (const v of ['list', 'watch', 'update', 'patch', 'delete']) assert.ok(!secretVerbs.includes(v), `secrets: no ${v}`);
    assert.deepEqual(verbs('secrets').filter((r) => r.verbs.includes('get')).map((r) => r.resourceNames), [['conv-pg-agent'], ['conv-redis-auth']]);
    assert.deepEqual(verbs('leases', 'coordination.k8s.io').find((r) => r.verbs.includes('update'))?.resourceNames, ['conv-operator']);
    assert.deepEqual(verbs('postgresclusters', 'data.converge.io')[0]?.verbs, ['get', 'list', 'watch']);
    assert.deepEqual(verbs('postgresclusters/status', 'data.converge.io')[0]?.verbs, ['patch']);
  });

  test('NetworkPolicies: operator → API server and agents; PostgreSQL ← user, chat, itself, the operator', () => {
    const names = objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    assert.deepEqual(names, ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-operator', 'conv-postgres', 'conv-redis', 'conv-sentinel', 'conv-user', 'conv-web']);
    const op = find(objs, 'NetworkPolicy', 'conv-operator');
    assert.deepEqual(op.spec.podSelector.matchLabels['app.kubernetes.io/component'], 'operator');
    const rds = (component: string) => ({ podSelector: { matchLabels: { 'data.converge.io/redis-component': component, 'data.converge.io/redis-sentinel': 'conv-redis' } } });
    assert.deepEqual(op.spec.egress, [
      { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      { to: [{ podSelector: { matchLabels: { 'data.converge.io/cluster': 'conv-pg' } } }], ports: [{ protocol: 'TCP', port: 8008 }] },
      { to: [rds('redis')], ports: [{ protocol: 'TCP', port: 6379 }] },
      { to: [rds('sentinel')], ports: [{ protocol: 'TCP', port: 26379 }] },
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    ]);
    assert.deepEqual(op.spec.ingress, [
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);

    const pg = find(objs, 'NetworkPolicy', 'conv-postgres');
    assert.deepEqual(pg.spec.podSelector, { matchLabels: { 'data.converge.io/cluster': 'conv-pg' } });
    const from = (port: number) =>
      pg.spec.ingress.filter((r: any) => portsOf(r).includes(port)).flatMap((r: any) => r.from.map((f: any) => component(f) ?? pgCluster(f) ?? 'monitoring'));
    assert.deepEqual(from(5432).sort(), ['chat', 'conv-pg', 'user']);
    assert.deepEqual(from(8008).sort(), ['monitoring', 'operator']);
    assert.deepEqual(pg.spec.egress, [
      { to: [{ podSelector: { matchLabels: { 'data.converge.io/cluster': 'conv-pg' } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    ]);

    // user and chat reach PostgreSQL's pods on 5432, and no longer any address on it.
    for (const c of ['conv-user', 'conv-chat']) {
      const egress = find(objs, 'NetworkPolicy', c).spec.egress;
      const toPg = egress.filter((r: any) => portsOf(r).includes(5432));
      assert.deepEqual(toPg, [{ to: [{ podSelector: { matchLabels: { 'data.converge.io/cluster': 'conv-pg' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }], c);
    }
    // Only the operator reaches the Kubernetes API.
    for (const np of objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'conv-operator')) {
      const ports = (np.spec.egress ?? []).flatMap(portsOf);
      for (const api of [443, 6443]) assert.ok(!ports.includes(api), `${np.metadata.name} may not reach the Kubernetes API (:${api})`);
    }
  });

  test('the ServiceMonitor scrapes the operator too', () => {
    const withCrd = renderChart({ dataLayer: { mode: 'operator' } }, ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor']);
    const sm = find(withCrd, 'ServiceMonitor', 'conv-metrics');
    assert.ok(sm.spec.selector.matchExpressions[0].values.includes('operator'));
  });
});

describe('the modes: which part follows which', () => {
  // The generated Secrets differ (random passwords at each render): everything else is compared.
  const render = (values: unknown) => renderChart(values).filter((o) => o.kind !== 'Secret');

  test('operator is the default: no values render what dataLayer.mode=operator renders', () => {
    const a = render({ dataLayer: { mode: 'operator' } });
    assert.ok(a.some((o) => o.kind === 'PostgresCluster') && a.some((o) => o.kind === 'RedisSentinel'));
    assert.deepEqual(render(undefined), a);
  });

  test('each part in operator mode by its own mode is the same as dataLayer.mode=operator', () => {
    const a = render({ dataLayer: { mode: 'operator' } });
    assert.deepEqual(render({ dataLayer: { mode: 'external', postgres: { mode: 'operator' }, redis: { mode: 'operator' } } }), a);
  });

  test('both parts external override dataLayer.mode=operator: nothing of the operator renders', () => {
    const objs = renderChart({ dataLayer: { mode: 'operator', postgres: { mode: 'external' }, redis: { mode: 'external' } } });
    assert.deepEqual(objs.filter((o) => [...OPERATOR_KINDS, 'RedisSentinel'].includes(o.kind)).map((o) => o.kind), []);
    assert.equal(envOf(main(objs, 'chat')).get('DATABASE_URL'), 'postgres://converge@postgres.example.internal:5432/converge_chat');
  });

  test('external renders no operator, RBAC, PostgresCluster or their NetworkPolicies', () => {
    const objs = renderChart({ dataLayer: { mode: 'external' } });
    assert.deepEqual(objs.filter((o) => OPERATOR_KINDS.includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`), []);
    assert.equal(objs.some((o) => o.metadata.name === 'conv-operator' || o.metadata.name === 'conv-postgres'), false);
    for (const c of ['conv-user', 'conv-chat']) {
      const toPg = find(objs, 'NetworkPolicy', c).spec.egress.filter((r: any) => portsOf(r).includes(5432));
      assert.deepEqual(toPg, [{ ports: [{ protocol: 'TCP', port: 5432 }] }], `${c}: PostgreSQL by port, anywhere`);
    }
  });

  test('a mode that does not exist fails with a message naming the value and the modes', () => {
    for (const values of [{ dataLayer: { mode: 'managed' } }, { dataLayer: { postgres: { mode: 'cnpg' } } }, { dataLayer: { redis: { mode: 'spotahome' } } }]) {
      const r = helm(['template', 'conv', CHART_DIR], values);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /dataLayer.*mode/);
      assert.match(r.stderr, /'external', 'operator'/);
    }
    // Without the schema, the template says it itself.
    const r = helm(['template', 'conv', CHART_DIR, '--skip-schema-validation'], { dataLayer: { postgres: { mode: 'cnpg' } } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /dataLayer\.postgres\.mode "cnpg" is not supported: use external, operator, or empty/);
    const redis = helm(['template', 'conv', CHART_DIR, '--skip-schema-validation'], { dataLayer: { redis: { mode: 'bitnami' } } });
    assert.notEqual(redis.status, 0);
    assert.match(redis.stderr, /dataLayer\.redis\.mode "bitnami" is not supported: use external, operator, or empty/);
  });
});

describe('helm template in operator mode with every operator knob changed', () => {
  const objs = renderChart(k);

  test('the PostgresCluster spec follows dataLayer.postgres.cluster', () => {
    assert.deepEqual(find(objs, 'PostgresCluster', 'conv-pg').spec, {
      instances: 5,
      imagePullPolicy: 'Always',
      storage: { size: '50Gi', storageClass: 'fast-ssd' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      parameters: { max_connections: '300', shared_buffers: '2GB' },
      synchronous: { mode: 'quorum', number: 2 },
      failoverDelaySeconds: 7,
      databases: ['converge_user', 'converge_chat'],
    });
  });

  test('operator image, PostgreSQL image, replicas, resources, log level, pull settings', () => {
    const dep = find(objs, 'Deployment', 'conv-operator');
    const c = dep.spec.template.spec.containers[0];
    assert.equal(dep.spec.replicas, 3);
    assert.equal(c.image, 'registry.example.org/team/op-img:op-tag');
    assert.equal(c.imagePullPolicy, 'Always');
    assert.deepEqual(dep.spec.template.spec.imagePullSecrets, [{ name: 'regcred' }]);
    assert.equal(envOf(c).get('POSTGRES_IMAGE'), 'registry.example.org/team/pg-img:pg-tag');
    assert.equal(envOf(c).get('REDIS_IMAGE'), 'registry.example.org/team/rds-img:rds-tag');
    assert.equal(envOf(c).get('LOG_LEVEL'), 'debug');
    assert.deepEqual(c.resources, {
      requests: { cpu: '70m', memory: '150Mi', 'ephemeral-storage': '40Mi' },
      limits: { memory: '300Mi', 'ephemeral-storage': '140Mi' },
    });
    assert.equal(envOf(main(objs, 'chat')).get('LOG_LEVEL'), 'warn', 'the processes keep logLevel');
  });

  test('apiServerPorts and the monitoring namespace reach the operator policy', () => {
    const op = find(objs, 'NetworkPolicy', 'conv-operator');
    assert.deepEqual(op.spec.egress[0], { ports: [{ protocol: 'TCP', port: 8443 }] });
    assert.equal(op.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'prom');
  });

  test('an empty tag falls back to image.tag; operator.logLevel empty follows logLevel', () => {
    const dep = find(
      renderChart({ ...k, operator: { ...k.operator, image: { repository: 'op-img', tag: '' }, logLevel: '' } }),
      'Deployment',
      'conv-operator',
    );
    assert.equal(dep.spec.template.spec.containers[0].image, 'registry.example.org/team/op-img:9.9.9');
    assert.equal(envOf(dep.spec.template.spec.containers[0]).get('LOG_LEVEL'), 'warn');
  });

  test('networkPolicy.enabled=false removes the operator, PostgreSQL, Redis and Sentinel policies too', () => {
    const off = renderChart({ dataLayer: { mode: 'operator' }, networkPolicy: { enabled: false } });
    assert.equal(off.some((o) => o.kind === 'NetworkPolicy'), false);
    assert.ok(off.some((o) => o.kind === 'PostgresCluster'));
    assert.ok(off.some((o) => o.kind === 'RedisSentinel'));
  });
});
