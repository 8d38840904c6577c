import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helm } from './support/helm';
import { CHART_DIR } from './support/paths';

// values.schema.json closes every object, so mistakes fail at `helm template`/`install`, not in a pod.
const template = (values: unknown) => helm(['template', 'conv', CHART_DIR], values);

const cases: [string, unknown, RegExp][] = [
  ['a typo in a key', { user: { replica: 3 } }, /additional properties 'replica' not allowed|replica/],
  ['replicas "three"', { chat: { replicas: 'three' } }, /replicas.*(integer|number)|got string, want integer/s],
  ['an unknown top-level key', { ingres: { host: 'x' } }, /ingres/],
  ['a boolean as a string', { ingress: { tls: { enabled: 'sure' } } }, /enabled/],
  ['a bad quantity', { web: { resources: { requests: { cpu: 'lots' } } } }, /cpu/],
  ['an unsupported data layer', { dataLayer: { mode: 'managed' } }, /mode/],
  ['an unsupported PostgreSQL mode', { dataLayer: { postgres: { mode: 'cnpg' } } }, /postgres.*mode|mode/],
  ['an unsupported Redis mode', { dataLayer: { redis: { mode: 'cluster' } } }, /redis.*mode|mode/],
  ['no Redis pod', { dataLayer: { redis: { sentinel: { replicas: 0 } } } }, /replicas/],
  ['a Sentinel master name with a space', { dataLayer: { redis: { sentinel: { masterName: 'my master' } } } }, /masterName/],
  ['a Redis resource the CRD does not take', { dataLayer: { redis: { sentinel: { resources: { redis: { requests: { 'ephemeral-storage': '1Gi' } } } } } } }, /ephemeral-storage|additional/],
  ['a down-after below 100 ms', { dataLayer: { redis: { sentinel: { downAfterMilliseconds: 10 } } } }, /downAfterMilliseconds/],
  ['a Redis image without a repository', { operator: { redisImage: { repository: '' } } }, /redisImage|repository/],
  ['no PostgreSQL instance', { dataLayer: { postgres: { cluster: { instances: 0 } } } }, /instances/],
  ['a PostgreSQL parameter off the allow-list', { dataLayer: { postgres: { cluster: { parameters: { wal_level: 'minimal' } } } } }, /parameters|wal_level/],
  ['an unknown synchronous mode', { dataLayer: { postgres: { cluster: { synchronous: { mode: 'all' } } } } }, /synchronous|mode/],
  ['an API server port out of range', { networkPolicy: { egress: { apiServerPorts: [70000] } } }, /apiServerPorts/],
  ['an extra env var without a value', { chat: { extraEnv: [{ name: 'X' }] } }, /extraEnv/],
  ['an extra env var with a bad name', { chat: { extraEnv: [{ name: 'A-B', value: '1' }] } }, /extraEnv/],
  ['a Sentinel without a port', { redis: { external: { sentinels: ['s1'] } } }, /sentinels/],
  ['a sidecar label value given as a number', { observability: { dashboards: { sidecarLabelValue: 1 } } }, /sidecarLabelValue/],
  ['a sidecar label that is no label key', { observability: { dashboards: { sidecarLabel: 'grafana dashboard' } } }, /sidecarLabel/],
  ['an empty sidecar label', { observability: { dashboards: { sidecarLabel: '' } } }, /sidecarLabel/],
  ['a runbook base that is no URL', { observability: { prometheusRule: { runbookBaseUrl: 'wiki/runbooks' } } }, /runbookBaseUrl/],
  ['PrometheusRule labels that are not strings', { observability: { prometheusRule: { labels: { release: true } } } }, /labels|release/],
  ['a typo under observability', { observability: { dashboard: { enabled: true } } }, /dashboard/],
];

for (const [what, values, message] of cases) {
  test(`helm template refuses ${what} and names it`, () => {
    const r = template(values);
    assert.notEqual(r.status, 0, `helm accepted ${JSON.stringify(values)}`);
    assert.match(r.stderr, /values don't meet the specifications of the schema/);
    assert.match(r.stderr, message);
  });
}
