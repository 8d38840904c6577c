import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envOf, find, helm, type K8sObject, renderChart } from './support/helm';
import { everyOperatorKnob as k } from './support/knobs';
import { CHART_DIR } from './support/paths';

// Redis run by the chart's operator (the default, or dataLayer.redis.mode=operator): a RedisSentinel
// `<release>-redis`, the services pointed at its Sentinels with the Secret the operator generates,
// the Role and NetworkPolicies that part needs; and the mixed modes, where each part gets only its own.
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const rulesOf = (objs: K8sObject[]): Rule[] => find(objs, 'Role', 'conv-operator').rules;
const grants = (objs: K8sObject[], group: string, resource: string, verb: string, name?: string) =>
  rulesOf(objs).some(
    (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
  );
const services = (objs: K8sObject[]) =>
  ['user', 'chat'].flatMap((c) => {
    const pod = find(objs, 'Deployment', `conv-${c}`).spec.template.spec;
    return [...pod.initContainers, ...pod.containers].map((container: any) => ({ name: `${c}/${container.name}`, env: envOf(container) }));
  });
const policyNames = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
const egressOn = (objs: K8sObject[], policy: string, port: number) =>
  find(objs, 'NetworkPolicy', policy).spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === port));
const rds = (component: 'redis' | 'sentinel') => ({
  podSelector: { matchLabels: { 'data.converge.io/redis-component': component, 'data.converge.io/redis-sentinel': 'conv-redis' } },
});
const app = (component: string) => ({
  podSelector: { matchLabels: { 'app.kubernetes.io/component': component, 'app.kubernetes.io/instance': 'conv', 'app.kubernetes.io/name': 'converge' } },
});
const tcp = (port: number) => [{ protocol: 'TCP', port }];
const DNS = { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };

describe('helm template with Redis in operator mode (the default)', () => {
  const objs = renderChart();

  test('a RedisSentinel <release>-redis with the values and the operator’s Redis image', () => {
    const r = find(objs, 'RedisSentinel', 'conv-redis');
    assert.equal(r.apiVersion, 'data.converge.io/v1alpha1');
    assert.deepEqual(r.spec, {
      replicas: 3,
      sentinels: 3,
      quorum: 2,
      masterName: 'converge',
      image: 'ghcr.io/converge-chat/converge-redis:0.1.0',
      imagePullPolicy: 'IfNotPresent',
      storage: { size: '1Gi' },
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      sentinelResources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
      sentinel: { downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 10000 },
    });
    assert.equal(r.metadata.labels?.['app.kubernetes.io/instance'], 'conv');
  });

  test('every user and chat container reaches Redis through each Sentinel pod, with the operator’s password', () => {
    const sentinels = [0, 1, 2].map((i) => `conv-redis-sentinel-${i}.conv-redis-sentinel-headless.converge.svc:26379`).join(',');
    for (const c of services(objs)) {
      assert.equal(c.env.get('REDIS_SENTINELS'), sentinels, c.name);
      assert.equal(c.env.get('REDIS_MASTER_NAME'), 'converge', c.name);
      assert.deepEqual(c.env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } }, c.name);
      assert.equal(c.env.get('REDIS_URL'), 'redis://conv-redis-master:6379', c.name);
    }
  });

  test('the chart makes no Redis Secret of its own (the operator owns <release>-redis-auth), whatever redis.passwordSecret says', () => {
    assert.equal(objs.some((o) => o.kind === 'Secret' && o.metadata.name === 'conv-redis-auth'), false);
    const named = renderChart({ redis: { passwordSecret: { name: 'my-redis', key: 'pw' } } });
    assert.equal(named.some((o) => o.kind === 'Secret' && /redis/.test(o.metadata.name)), false);
    for (const c of services(named)) {
      assert.deepEqual(c.env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } }, c.name);
    }
  });

  test('the Role: the StatefulSets by server-side apply, the RedisSentinel and its status, its Secret by name', () => {
    assert.ok(grants(objs, 'apps', 'statefulsets', 'create') && grants(objs, 'apps', 'statefulsets', 'patch'));
    for (const verb of ['delete', 'update', 'list']) assert.ok(!grants(objs, 'apps', 'statefulsets', verb), `statefulsets: no ${verb}`);
    for (const verb of ['get', 'list', 'watch']) assert.ok(grants(objs, 'data.converge.io', 'redissentinels', verb), verb);
    assert.ok(grants(objs, 'data.converge.io', 'redissentinels/status', 'patch'));
    assert.ok(grants(objs, '', 'secrets', 'get', 'conv-redis-auth'));
    assert.ok(!grants(objs, '', 'secrets', 'get', 'converge-jwt'), 'no other Secret');
    assert.ok(grants(objs, '', 'pods', 'patch'), 'the master label');
  });

  test('NetworkPolicies: Redis ← clients, itself, Sentinels, operator on 6379; Sentinels ← clients, each other, Redis, operator on 26379', () => {
    const redis = find(objs, 'NetworkPolicy', 'conv-redis');
    assert.deepEqual(redis.spec.podSelector, rds('redis').podSelector);
    assert.deepEqual(redis.spec.ingress, [{ from: [app('user'), app('chat'), rds('redis'), rds('sentinel'), app('operator')], ports: tcp(6379) }]);
    // A starting Redis server asks the Sentinels who the master is.
    assert.deepEqual(redis.spec.egress, [{ to: [rds('redis')], ports: tcp(6379) }, { to: [rds('sentinel')], ports: tcp(26379) }, DNS]);
    const sentinel = find(objs, 'NetworkPolicy', 'conv-sentinel');
    assert.deepEqual(sentinel.spec.podSelector, rds('sentinel').podSelector);
    assert.deepEqual(sentinel.spec.ingress, [{ from: [app('user'), app('chat'), rds('sentinel'), rds('redis'), app('operator')], ports: tcp(26379) }]);
    assert.deepEqual(sentinel.spec.egress, [{ to: [rds('sentinel')], ports: tcp(26379) }, { to: [rds('redis')], ports: tcp(6379) }, DNS]);
    for (const np of [redis, sentinel]) assert.deepEqual(np.spec.policyTypes, ['Ingress', 'Egress']);
  });

  test('user and chat reach the Redis and Sentinel pods, no longer any address on the Redis ports', () => {
    for (const c of ['conv-user', 'conv-chat']) {
      assert.deepEqual(egressOn(objs, c, 6379), [{ to: [rds('redis')], ports: tcp(6379) }], c);
      assert.deepEqual(egressOn(objs, c, 26379), [{ to: [rds('sentinel')], ports: tcp(26379) }], c);
    }
  });
  // The install notes (helm install only) are checked on the control plane: operator-mode-cluster.test.ts.
});

describe('the RedisSentinel with every knob changed', () => {
  const objs = renderChart(k);

  test('the spec follows dataLayer.redis.sentinel, image and pull policy', () => {
    assert.deepEqual(find(objs, 'RedisSentinel', 'conv-redis').spec, {
      replicas: 5,
      sentinels: 5,
      quorum: 3,
      masterName: 'chat-cache',
      image: 'registry.example.org/team/rds-img:rds-tag',
      imagePullPolicy: 'Always',
      storage: { size: '4Gi', storageClass: 'fast-ssd' },
      resources: { requests: { cpu: '300m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      sentinelResources: { requests: { cpu: '30m', memory: '48Mi' }, limits: { cpu: '300m', memory: '96Mi' } },
      sentinel: { downAfterMilliseconds: 3000, failoverTimeoutMilliseconds: 20000 },
    });
  });

  test('the services list every Sentinel and use the master name', () => {
    for (const c of services(objs)) {
      const hosts = String(c.env.get('REDIS_SENTINELS')).split(',');
      assert.deepEqual(hosts, [0, 1, 2, 3, 4].map((i) => `conv-redis-sentinel-${i}.conv-redis-sentinel-headless.converge.svc:26379`), c.name);
      assert.equal(c.env.get('REDIS_MASTER_NAME'), 'chat-cache', c.name);
    }
  });
});

describe('mixed modes: each part gets only what it needs', () => {
  test('PostgreSQL by the operator, Redis external: no RedisSentinel, its rules or policies; the chart’s Redis Secret is back', () => {
    const objs = renderChart({ dataLayer: { mode: 'operator', redis: { mode: 'external' } } });
    assert.ok(objs.some((o) => o.kind === 'PostgresCluster'));
    assert.equal(objs.some((o) => o.kind === 'RedisSentinel'), false);
    assert.ok(find(objs, 'Secret', 'conv-redis-auth'), 'the generated password for your Redis');
    assert.ok(!grants(objs, 'apps', 'statefulsets', 'create'));
    assert.ok(!grants(objs, '', 'secrets', 'get', 'conv-redis-auth'));
    assert.ok(grants(objs, '', 'secrets', 'get', 'conv-pg-agent'));
    // Its informer still lists RedisSentinels: without the verb it would log a refused list every few seconds.
    assert.ok(grants(objs, 'data.converge.io', 'redissentinels', 'list'));
    assert.deepEqual(policyNames(objs), ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-operator', 'conv-postgres', 'conv-user', 'conv-web']);
    assert.ok(!find(objs, 'NetworkPolicy', 'conv-operator').spec.egress.some((r: any) => r.ports.some((p: any) => [6379, 26379].includes(p.port))));
    for (const c of ['conv-user', 'conv-chat']) {
      assert.deepEqual(egressOn(objs, c, 6379), [{ ports: [...tcp(6379), ...tcp(26379)] }], `${c}: Redis by port, anywhere`);
    }
    for (const c of services(objs)) {
      assert.equal(c.env.get('REDIS_URL'), 'redis://redis.example.internal:6379', c.name);
      assert.deepEqual(c.env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } }, c.name);
      assert.match(String(c.env.get('DATABASE_URL')), /@conv-pg-rw:5432\//, c.name);
    }
  });

  test('Redis by the operator, PostgreSQL external: the operator runs without the PostgreSQL rules or policy', () => {
    const objs = renderChart({ dataLayer: { mode: 'external', redis: { mode: 'operator' } } });
    assert.ok(find(objs, 'Deployment', 'conv-operator'));
    assert.ok(find(objs, 'RedisSentinel', 'conv-redis'));
    assert.equal(objs.some((o) => o.kind === 'PostgresCluster'), false);
    assert.ok(!grants(objs, '', 'persistentvolumeclaims', 'create'));
    assert.ok(!grants(objs, '', 'pods', 'create') && !grants(objs, '', 'pods', 'delete'), 'no instance pods to make');
    assert.ok(!grants(objs, '', 'secrets', 'get', 'conv-pg-agent'));
    assert.ok(grants(objs, 'data.converge.io', 'postgresclusters', 'list'), 'the informer still lists');
    assert.deepEqual(policyNames(objs), ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-operator', 'conv-redis', 'conv-sentinel', 'conv-user', 'conv-web']);
    assert.ok(!find(objs, 'NetworkPolicy', 'conv-operator').spec.egress.some((r: any) => r.ports.some((p: any) => p.port === 8008)));
    for (const c of ['conv-user', 'conv-chat']) assert.deepEqual(egressOn(objs, c, 5432), [{ ports: tcp(5432) }], c);
    for (const c of services(objs)) {
      assert.match(String(c.env.get('DATABASE_URL')), /@postgres\.example\.internal:5432\//, c.name);
      assert.deepEqual(c.env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'converge-postgres', key: 'password' } }, c.name);
      assert.match(String(c.env.get('REDIS_SENTINELS')), /^conv-redis-sentinel-0\./, c.name);
    }
  });
});

describe('what cannot work fails at render, naming the value', () => {
  test('a quorum above the Sentinels', () => {
    const r = helm(['template', 'conv', CHART_DIR], { dataLayer: { redis: { sentinel: { sentinels: 1 } } } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /dataLayer\.redis\.sentinel\.quorum 2 exceeds sentinels 1/);
    assert.equal(helm(['template', 'conv', CHART_DIR], { dataLayer: { redis: { sentinel: { sentinels: 1, quorum: 1 } } } }).status, 0);
  });

  test('a release name too long for the StatefulSets’ labels, only when Redis is the operator’s', () => {
    const long = 'a'.repeat(38);
    const r = helm(['template', long, CHART_DIR]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /release name "a{38}" is too long for Redis in operator mode: at most 37 characters/);
    assert.equal(helm(['template', 'a'.repeat(37), CHART_DIR]).status, 0);
    assert.equal(helm(['template', long, CHART_DIR], { dataLayer: { redis: { mode: 'external' } } }).status, 0);
  });
});
