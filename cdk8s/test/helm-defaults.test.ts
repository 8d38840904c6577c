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
      assert.deepEqual(c.resources.requests && Object.keys(c.resources.requests).sort(), ['cpu', 'memory']);
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
    assert.deepEqual(env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'converge-postgres', key: 'password' } });
    assert.equal(env.get('DATABASE_URL'), 'postgres://converge@postgres.example.internal:5432/converge_user');
    assert.equal(env.get('REDIS_URL'), 'redis://redis.example.internal:6379');
    assert.equal(env.get('REDIS_SENTINELS'), '');
    assert.equal(env.has('REDIS_PASSWORD'), false);
    assert.equal(env.get('NATS_URL'), 'nats://conv-nats:4222');
    const chat = envOf(find(objs, 'Deployment', 'conv-chat').spec.template.spec.containers[0]);
    assert.equal(chat.get('DATABASE_URL'), 'postgres://converge@postgres.example.internal:5432/converge_chat');
    assert.equal(chat.get('JWKS_URL'), 'http://conv-user:3000/.well-known/jwks.json');
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

  test('NetworkPolicies: deny by default, then only the paths that must exist', () => {
    const names = objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    assert.deepEqual(names, ['conv-chat', 'conv-default-deny', 'conv-nats', 'conv-user', 'conv-web']);
    const user = find(objs, 'NetworkPolicy', 'conv-user');
    const from = user.spec.ingress[0].from;
    assert.ok(from.some((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/component'] === 'chat'), 'chat → user (JWKS)');
    assert.ok(from.some((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'ingress-nginx'));
  });

  test('the ServiceMonitor appears only when the cluster serves its CRD', () => {
    assert.equal(objs.some((o) => o.kind === 'ServiceMonitor'), false);
    const withCrd = renderChart(undefined, ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor']);
    const sm = find(withCrd, 'ServiceMonitor', 'conv-metrics');
    assert.equal(sm.spec.endpoints[0].path, '/metrics');
    assert.equal(sm.spec.endpoints[0].interval, '30s');
  });
});
