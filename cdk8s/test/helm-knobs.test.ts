import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envOf, find, renderChart } from './support/helm';
import { everyKnob as k } from './support/knobs';

// Every documented knob changed at once (support/knobs.ts): each shows up where it says it does.
describe('helm template with every knob changed', () => {
  const objs = renderChart(k, ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor', '--api-versions', 'monitoring.coreos.com/v1/PrometheusRule']);
  const dep = (n: string) => find(objs, 'Deployment', `conv-${n}`);
  const main = (n: string) => dep(n).spec.template.spec.containers[0];

  test('images: registry, per-process repository and tag, pull policy and secrets', () => {
    assert.equal(main('user').image, 'registry.example.org/team/u-img:u-img-tag');
    assert.equal(main('chat').image, 'registry.example.org/team/c-img:c-img-tag');
    assert.equal(dep('user').spec.template.spec.initContainers[0].image, 'registry.example.org/team/u-img:u-img-tag');
    assert.equal(main('web').image, 'registry.example.org/team/w-img:9.9.9', 'an empty process tag falls back to image.tag');
    assert.equal(main('web').imagePullPolicy, 'Always');
    assert.deepEqual(dep('web').spec.template.spec.imagePullSecrets, [{ name: 'regcred' }]);
  });

  test('replicas without autoscaling; HPA bounds and target with it', () => {
    assert.equal(dep('user').spec.replicas, 3);
    assert.equal(dep('chat').spec.replicas, 4);
    assert.equal(objs.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'conv-user'), false);
    assert.equal(dep('web').spec.replicas, undefined);
    const hpa = find(objs, 'HorizontalPodAutoscaler', 'conv-web');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 7]);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 61);
  });

  test('resources, log level, drain time and preStop pause', () => {
    assert.deepEqual(main('chat').resources, {
      requests: { cpu: '400m', memory: '400Mi', 'ephemeral-storage': '40Mi' },
      limits: { memory: '4Gi', 'ephemeral-storage': '400Mi' },
    });
    assert.equal(envOf(main('web')).get('LOG_LEVEL'), 'debug');
    assert.equal(envOf(main('web')).get('SHUTDOWN_TIMEOUT_MS'), '40000');
    assert.deepEqual(main('user').lifecycle.preStop.exec.command, ['sleep', '9']);
    assert.equal(dep('user').spec.template.spec.terminationGracePeriodSeconds, 9 + 40 + 5);
  });

  test("extra env vars follow the chart's own, in the main and the migration containers", () => {
    const env = main('chat').env as { name: string }[];
    assert.deepEqual(env.slice(-2), [
      { name: 'C_IMG_FLAG', value: '4' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'extra', key: 'c-img' } } },
    ]);
    assert.equal(envOf(dep('user').spec.template.spec.initContainers[0]).get('U_IMG_FLAG'), '3');
    assert.equal(envOf(main('web')).get('W_IMG_FLAG'), '5');
  });

  test('ingress host, class, TLS and annotations', () => {
    const ing = find(objs, 'Ingress', 'conv-ingress');
    assert.equal(ing.spec.ingressClassName, 'traefik');
    assert.equal(ing.spec.rules[0].host, 'chat.example.org');
    assert.deepEqual(ing.spec.tls, [{ hosts: ['chat.example.org'], secretName: 'chat-tls' }]);
    assert.equal(ing.metadata.annotations?.['example.org/ws'], 'on');
    for (const c of ['user', 'chat', 'web']) {
      assert.equal(envOf(main(c)).get('HSTS_MAX_AGE_SECONDS'), '31536000', `${c}: HSTS with TLS`);
      assert.equal(envOf(main(c)).get('TRUST_PROXY'), '127.0.0.1, ::1, 10.42.0.0/16', `${c}: the Ingress controller's range`);
    }
  });

  test('JWT secret, key names, issuer and audience', () => {
    const env = envOf(main('user'));
    assert.equal(env.get('JWT_KEY_FILE'), '/var/run/secrets/converge/jwt/current.pem');
    assert.equal(env.get('JWT_PREVIOUS_KEY_FILE'), '/var/run/secrets/converge/jwt/old.pem');
    assert.equal(env.get('JWT_ISSUER'), 'iss-x');
    assert.equal(envOf(main('chat')).get('JWT_AUDIENCE'), 'aud-x');
    assert.equal(dep('user').spec.template.spec.volumes.find((v: any) => v.name === 'jwt').secret.secretName, 'my-jwt');
  });

  test('PostgreSQL and Redis endpoints and their Secrets', () => {
    const env = envOf(main('chat'));
    assert.equal(env.get('DATABASE_URL'), 'postgres://app@db.corp:6543/c_db?sslmode=require');
    assert.equal(envOf(main('user')).get('DATABASE_URL'), 'postgres://app@db.corp:6543/u_db?sslmode=require');
    assert.deepEqual(env.get('DATABASE_PASSWORD'), { secretKeyRef: { name: 'pg-secret', key: 'pw' } });
    assert.equal(env.get('DATABASE_POOL_SIZE'), '17');
    assert.equal(env.get('REDIS_URL'), 'redis://unused:6379');
    assert.equal(env.get('REDIS_SENTINELS'), 's1:26379,s2:26379');
    assert.equal(env.get('REDIS_MASTER_NAME'), 'primary');
    assert.deepEqual(env.get('REDIS_PASSWORD'), { secretKeyRef: { name: 'redis-secret', key: 'rpw' } });
    assert.equal(env.get('REDIS_ALLOW_NO_AUTH'), 'true');
    assert.equal(env.get('NATS_USER'), 'chatapp');
    assert.deepEqual(env.get('NATS_PASSWORD'), { secretKeyRef: { name: 'nats-secret', key: 'npw' } });
    assert.equal(objs.some((o) => o.kind === 'Secret'), false, 'named Secrets: none generated');
    assert.equal(envOf(dep('chat').spec.template.spec.initContainers[0]).get('REDIS_MASTER_NAME'), 'primary');
  });

  test('NATS size, image, storage, JetStream limits, resources and cluster domain', () => {
    const sts = find(objs, 'StatefulSet', 'conv-nats');
    assert.equal(sts.spec.replicas, 5);
    assert.equal(sts.spec.template.spec.containers[0].image, 'mirror.example.org/nats:2.10.99');
    assert.deepEqual(sts.spec.template.spec.containers[0].resources.requests, { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '30Mi' });
    const pvc = sts.spec.volumeClaimTemplates[0].spec;
    assert.equal(pvc.storageClassName, 'fast-ssd');
    assert.equal(pvc.resources.requests.storage, '3Gi');
    const conf: string = find(objs, 'ConfigMap', 'conv-nats-config').data['nats.conf'];
    assert.match(conf, /max_file_store: 2G/);
    assert.match(conf, /max_memory_store: 64M/);
    assert.ok(conf.includes('nats://conv-nats-4.conv-nats-headless.converge.svc.corp.local:6222'));
  });

  test('OTel endpoint, metrics annotations and ServiceMonitor', () => {
    assert.equal(envOf(main('chat')).get('OTEL_EXPORTER_OTLP_ENDPOINT'), 'http://otel-collector.observability:4318');
    assert.equal(dep('chat').spec.template.metadata.annotations['prometheus.io/scrape'], undefined);
    const sm = find(objs, 'ServiceMonitor', 'conv-metrics');
    assert.equal(sm.spec.endpoints[0].interval, '15s');
    assert.equal(sm.metadata.labels?.release, 'kps');
  });

  test('dashboards: sidecar label and value, folder annotation; PrometheusRule: labels and runbook base', () => {
    const cm = find(objs, 'ConfigMap', 'conv-dashboard-platform');
    assert.equal(cm.metadata.labels?.['grafana.example.org/dashboard'], 'chat');
    assert.deepEqual(cm.metadata.annotations, { 'grafana.example.org/folder': 'Converge' });
    const rule = find(objs, 'PrometheusRule', 'conv-rules');
    assert.equal(rule.metadata.labels?.release, 'kps');
    const urls = rule.spec.groups.flatMap((g: any) => g.rules).flatMap((r: any) => (r.annotations?.runbook_url ? [r.annotations.runbook_url] : []));
    assert.ok(urls.length > 0);
    for (const u of urls) assert.match(u, /^https:\/\/git\.example\.org\/converge\/-\/blob\/v9\.9\.9\/observability\/RUNBOOK\.md#/);
  });

  test('NetworkPolicy namespaces', () => {
    const web = find(objs, 'NetworkPolicy', 'conv-web');
    const ns = web.spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name']));
    assert.deepEqual(ns, ['traefik-system', 'prom']);
  });

  test('switches turn whole objects off', () => {
    const off = renderChart({
      ingress: { enabled: false },
      networkPolicy: { enabled: false },
      metrics: { serviceMonitor: { enabled: false } },
      observability: { dashboards: { enabled: false }, prometheusRule: { enabled: false } },
    }, ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor', '--api-versions', 'monitoring.coreos.com/v1/PrometheusRule']);
    assert.equal(off.some((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('conv-dashboard-')), false, 'dashboards should be off');
    for (const kind of ['Ingress', 'NetworkPolicy', 'ServiceMonitor', 'PrometheusRule']) {
      assert.equal(off.some((o) => o.kind === kind), false, `${kind} should be off`);
    }
  });
});
