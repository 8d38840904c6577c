import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envOf, find, renderChart } from './support/helm';

// What `helm template` renders with no values: the shape operators get out of the box.
describe('helm template with the defaults', () => {
  const objs = renderChart();
  const deployments = ['conv-user', 'conv-chat', 'conv-web'].map((n) => find(objs, 'Deployment', n));

  test('each process has a hardened, probed, drained Deployment left to its HPA', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      assert.equal(d.spec.replicas, undefined, `${d.metadata.name}: replicas belong to the HPA`);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      assert.equal(pod.automountServiceAccountToken, false);
      assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.ok(c.volumeMounts.some((m: any) => m.mountPath === '/tmp'), 'writable /tmp');
      assert.equal(c.livenessProbe.httpGet.path, '/healthz');
      assert.equal(c.readinessProbe.httpGet.path, '/readyz');
      assert.deepEqual(c.lifecycle.preStop.exec.command, ['sleep', '5']);
      assert.equal(envOf(c).get('SHUTDOWN_TIMEOUT_MS'), '25000');
      // pause 5 s + drain 25 s + 5 s margin
      assert.equal(pod.terminationGracePeriodSeconds, 35);
      assert.deepEqual(c.resources.requests && Object.keys(c.resources.requests).sort(), ['cpu', 'ephemeral-storage', 'memory']);
      assert.deepEqual(
        pod.topologySpreadConstraints.map((t: any) => t.topologyKey),
        ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
      );
      assert.equal(d.spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
      assert.equal(c.image, `ghcr.io/converge-chat/converge-${c.name}:0.1.0`);
      assert.equal(envOf(c).has('OTEL_EXPORTER_OTLP_ENDPOINT'), false, 'tracing export off by default');
      assert.equal(envOf(c).get('OTEL_SERVICE_NAME'), c.name);
      assert.equal(
        envOf(c).get('OTEL_RESOURCE_ATTRIBUTES'),
        'k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.version=0.1.0',
      );
    }
  });

  test('user and chat migrate in an init container; web does not', () => {
    const init = (n: string) => find(objs, 'Deployment', n).spec.template.spec.initContainers;
    assert.deepEqual(init('conv-user')[0].command, ['node', 'dist/src/migrate.js']);
    assert.deepEqual(init('conv-chat')[0].command, ['node', 'dist/src/migrate.js']);
    assert.equal(init('conv-web'), undefined);
  });

  test('HPA on CPU and PDB maxUnavailable 1 per process', () => {
    for (const n of ['conv-user', 'conv-chat', 'conv-web']) {
      const hpa = find(objs, 'HorizontalPodAutoscaler', n);
      assert.equal(hpa.spec.minReplicas, 2);
      assert.equal(hpa.spec.maxReplicas, 10);
      assert.equal(hpa.spec.metrics[0].resource.name, 'cpu');
      assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
      assert.equal(find(objs, 'PodDisruptionBudget', n).spec.maxUnavailable, 1);
    }
  });

  test('secrets come by name: JWT key file from a Secret volume, DB password by secretKeyRef', () => {
    const user = find(objs, 'Deployment', 'conv-user').spec.template.spec;
    const env = envOf(user.containers[0]);
    assert.equal(env.get('JWT_KEY_FILE'), '/var/run/secrets/converge/jwt/signing-key.pem');
    assert.equal(env.has('JWT_PREVIOUS_KEY_FILE'), false);
    assert.equal(user.volumes.find((v: any) => v.name === 'jwt').secret.secretName, 'converge-jwt');
    assert.equal(env.get('NATS_URL'), 'nats://conv-nats:4222');
    const chat = envOf(find(objs, 'Deployment', 'conv-chat').spec.template.spec.containers[0]);
    assert.equal(chat.get('JWKS_URL'), 'http://conv-user:3000/.well-known/jwks.json');
  });

  test('the data layer is the operator’s by default: a PostgresCluster and a RedisSentinel the services use', () => {
    assert.ok(find(objs, 'Deployment', 'conv-operator'));
    assert.equal(find(objs, 'PostgresCluster', 'conv-pg').spec.instances, 3);
    const rds = find(objs, 'RedisSentinel', 'conv-redis');
    assert.deepEqual([rds.spec.replicas, rds.spec.sentinels, rds.spec.quorum, rds.spec.masterName], [3, 3, 2, 'converge']);
    for (const [c, db] of [['user', 'converge_user'], ['chat', 'converge_chat']] as const) {
      const env = envOf(find(objs, 'Deployment', `conv-${c}`).spec.template.spec.containers[0]);
      assert.equal(env.get('DATABASE_URL'), `postgres://converge@conv-pg-rw:5432/${db}`, c);
      assert.deepEqual(env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'conv-pg-app', key: 'password' } }, c);
      assert.equal(
        env.get('REDIS_SENTINELS'),
        [0, 1, 2].map((i) => `conv-redis-sentinel-${i}.conv-redis-sentinel-headless.converge.svc:26379`).join(','),
        c,
      );
      assert.equal(env.get('REDIS_MASTER_NAME'), 'converge', c);
      assert.deepEqual(env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } }, c);
    }
  });

  test('Redis and NATS credentials come from Secrets: NATS generated by the chart, Redis by the operator', () => {
    const s = find(objs, 'Secret', 'conv-nats-auth');
    assert.equal(s.metadata.annotations?.['helm.sh/resource-policy'], 'keep', 'conv-nats-auth outlives an uninstall');
    assert.match(Buffer.from(s.data.password, 'base64').toString(), /^[A-Za-z0-9]{32}$/, 'a random password');
    // <release>-redis-auth is the RedisSentinel's Secret, the operator's: the chart must not make one too.
    assert.deepEqual(objs.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name), ['conv-nats-auth']);
    for (const c of ['user', 'chat']) {
      const env = envOf(find(objs, 'Deployment', `conv-${c}`).spec.template.spec.containers[0]);
      assert.equal(env.get('REDIS_ALLOW_NO_AUTH'), 'false', c);
      assert.equal(env.get('NATS_USER'), 'converge', c);
      assert.deepEqual(env.get('NATS_PASSWORD'), { secretKeyRef: { name: 'conv-nats-auth', key: 'password' } }, c);
      for (const e of find(objs, 'Deployment', `conv-${c}`).spec.template.spec.containers[0].env) {
        assert.ok(!/PASSWORD/.test(e.name) || e.valueFrom?.secretKeyRef, `${c}: ${e.name} comes from a Secret, never a literal`);
      }
    }
    const nats = find(objs, 'StatefulSet', 'conv-nats').spec.template.spec.containers[0];
    assert.deepEqual(envOf(nats).get('NATS_PASSWORD'), { secretKeyRef: { name: 'conv-nats-auth', key: 'password' } });
    const conf: string = find(objs, 'ConfigMap', 'conv-nats-config').data['nats.conf'];
    assert.match(conf, /authorization \{\s*user: "converge"\s*password: \$NATS_PASSWORD\s*\}/);
  });

  test('one Ingress routes the APIs to the services and everything else to web', () => {
    const ing = find(objs, 'Ingress', 'conv-ingress');
    const routes = Object.fromEntries(
      ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]),
    );
    assert.deepEqual(routes, {
      '/auth': 'conv-user',
      '/users': 'conv-user',
      '/.well-known': 'conv-user',
      '/user/graphql': 'conv-user',
      '/rooms': 'conv-chat',
      '/socket.io': 'conv-chat',
      '/graphql': 'conv-chat',
      '/chat/graphql': 'conv-chat',
      '/': 'conv-web',
    });
    assert.equal(ing.spec.rules[0].host, 'converge.example.com');
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.equal(ing.spec.tls, undefined);
    assert.equal(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'], '3600');
  });

  test('NATS JetStream: 3-server StatefulSet with PVCs and routes to every server', () => {
    const sts = find(objs, 'StatefulSet', 'conv-nats');
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.spec.serviceName, 'conv-nats-headless');
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '10Gi');
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.storageClassName, undefined);
    const conf: string = find(objs, 'ConfigMap', 'conv-nats-config').data['nats.conf'];
    assert.match(conf, /jetstream \{/);
    for (const i of [0, 1, 2]) assert.ok(conf.includes(`nats://conv-nats-${i}.conv-nats-headless.converge.svc.cluster.local:6222`));
  });

  test('every NetworkPolicy restricts both directions; web reaches only user and chat; only the operator reaches the Kubernetes API', () => {
    const nps = objs.filter((o) => o.kind === 'NetworkPolicy');
    assert.equal(nps.length, 9);
    for (const np of nps) assert.deepEqual([...np.spec.policyTypes].sort(), ['Egress', 'Ingress'], np.metadata.name);
    const component = (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'];
    const web = find(objs, 'NetworkPolicy', 'conv-web');
    const webTargets = web.spec.egress.map((r: any) => (r.to ? r.to.map(component).join() : r.ports.map((p: any) => `${p.protocol}/${p.port}`).join()));
    assert.deepEqual(webTargets, ['user', 'chat', 'UDP/53,TCP/53'], 'web: user, chat and DNS only');
    const portsOf = (name: string) => find(objs, 'NetworkPolicy', name).spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
    for (const name of ['conv-user', 'conv-chat']) {
      const ports = portsOf(name);
      for (const p of [4222, 5432, 6379, 26379, 53]) assert.ok(ports.includes(p), `${name} reaches port ${p}`);
    }
    assert.ok(find(objs, 'NetworkPolicy', 'conv-chat').spec.egress.some((r: any) => r.to?.some((t: any) => component(t) === 'user')), 'chat → user (JWKS)');
    for (const np of nps) {
      const ports = (np.spec.egress ?? []).flatMap((r: any) => r.ports.map((p: any) => p.port));
      if (np.metadata.name !== 'conv-operator') {
        for (const api of [443, 6443]) assert.ok(!ports.includes(api), `${np.metadata.name} may not reach the Kubernetes API (:${api})`);
      }
      for (const rule of np.spec.egress ?? []) assert.ok(rule.ports?.length, `${np.metadata.name}: every egress rule names its ports`);
    }
  });

  test('NetworkPolicies: deny by default, then only the paths that must exist', () => {
    const names = objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    assert.deepEqual(names, ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-operator', 'conv-postgres', 'conv-redis', 'conv-sentinel', 'conv-user', 'conv-web']);
    const user = find(objs, 'NetworkPolicy', 'conv-user');
    const from = user.spec.ingress[0].from;
    assert.ok(from.some((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/component'] === 'chat'), 'chat → user (JWKS)');
    assert.ok(from.some((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'ingress-nginx'));
  });

  test('/metrics has its own port: Services and containers name it, the Ingress never routes it, only Prometheus reaches it', () => {
    for (const c of ['user', 'chat', 'web']) {
      const dep = find(objs, 'Deployment', `conv-${c}`);
      const container = dep.spec.template.spec.containers[0];
      assert.deepEqual(container.ports.find((p: any) => p.name === 'metrics'), { name: 'metrics', containerPort: 9464, protocol: 'TCP' });
      assert.equal(envOf(container).get('METRICS_PORT'), '9464');
      assert.equal(envOf(container).get('TRUST_PROXY'), '127.0.0.1, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16');
      assert.equal(envOf(container).has('HSTS_MAX_AGE_SECONDS'), false, 'no HSTS without TLS');
      assert.equal(dep.spec.template.metadata.annotations['prometheus.io/port'], '9464');
      const svc = find(objs, 'Service', `conv-${c}`);
      assert.ok(svc.spec.ports.some((p: any) => p.name === 'metrics' && p.port === 9464 && p.targetPort === 'metrics'));
      const np = find(objs, 'NetworkPolicy', `conv-${c}`);
      for (const rule of np.spec.ingress) {
        const fromMonitoring = rule.from.some((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring');
        assert.equal(rule.ports.some((p: any) => p.port === 9464), fromMonitoring, `${c}: only the monitoring namespace reaches 9464`);
      }
    }
    const ingress = find(objs, 'Ingress', 'conv-ingress');
    for (const rule of ingress.spec.rules) {
      for (const path of rule.http.paths) assert.deepEqual(path.backend.service.port, { name: 'http' }, path.path);
    }
  });

  test('the ServiceMonitor appears only when the cluster serves its CRD', () => {
    assert.equal(objs.some((o) => o.kind === 'ServiceMonitor'), false);
    const withCrd = renderChart(undefined, ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor']);
    const sm = find(withCrd, 'ServiceMonitor', 'conv-metrics');
    assert.equal(sm.spec.endpoints[0].path, '/metrics');
    assert.equal(sm.spec.endpoints[0].port, 'metrics');
    assert.equal(sm.spec.endpoints[0].interval, '30s');
  });
});

// dataLayer.mode=external (a managed PostgreSQL, your Redis): the shape before the operator, still a
// documented value (hack/kube/values-node.yaml uses it).
describe('helm template with dataLayer.mode=external', () => {
  const objs = renderChart({ dataLayer: { mode: 'external' } });

  test('no operator, CRs or their policies; the services use postgres.external and redis.external', () => {
    assert.deepEqual(objs.filter((o) => ['PostgresCluster', 'RedisSentinel', 'Role', 'ServiceAccount'].includes(o.kind)), []);
    const names = objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    assert.deepEqual(names, ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-user', 'conv-web']);
    const env = envOf(find(objs, 'Deployment', 'conv-user').spec.template.spec.containers[0]);
    assert.deepEqual(env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'converge-postgres', key: 'password' } });
    assert.equal(env.get('DATABASE_URL'), 'postgres://converge@postgres.example.internal:5432/converge_user');
    assert.equal(env.get('REDIS_URL'), 'redis://redis.example.internal:6379');
    assert.equal(env.get('REDIS_SENTINELS'), '');
    assert.equal(env.get('REDIS_MASTER_NAME'), 'mymaster');
    const chat = envOf(find(objs, 'Deployment', 'conv-chat').spec.template.spec.containers[0]);
    assert.equal(chat.get('DATABASE_URL'), 'postgres://converge@postgres.example.internal:5432/converge_chat');
  });

  test('the chart generates the Redis password Secret, kept on uninstall, and the services read it', () => {
    for (const name of ['conv-redis-auth', 'conv-nats-auth']) {
      const s = find(objs, 'Secret', name);
      assert.equal(s.metadata.annotations?.['helm.sh/resource-policy'], 'keep', `${name} outlives an uninstall`);
      assert.match(Buffer.from(s.data.password, 'base64').toString(), /^[A-Za-z0-9]{32}$/, `${name}: a random password`);
    }
    for (const c of ['user', 'chat']) {
      const env = envOf(find(objs, 'Deployment', `conv-${c}`).spec.template.spec.containers[0]);
      assert.deepEqual(env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'conv-redis-auth', key: 'password' } }, c);
    }
  });

  test('user and chat reach PostgreSQL and Redis by port at any address (their addresses are not the chart’s)', () => {
    for (const c of ['conv-user', 'conv-chat']) {
      const egress = find(objs, 'NetworkPolicy', c).spec.egress;
      const byPort = (port: number) => egress.filter((r: any) => r.ports.some((p: any) => p.port === port));
      for (const port of [5432, 6379, 26379]) {
        const rules = byPort(port);
        assert.equal(rules.length, 1, `${c}: one rule for :${port}`);
        assert.equal(rules[0].to, undefined, `${c}: :${port} to any address`);
      }
    }
  });
});
