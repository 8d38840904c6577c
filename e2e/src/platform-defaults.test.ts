// Issue 14's "whole platform from one install": `helm install` with the chart's defaults on the real
// node — only the image values are ours (hack/kube/values-node-defaults.yaml) — brings up the
// operator, a 3-instance PostgresCluster, a RedisSentinel, NATS and the services, all Ready; then the
// end-to-end chat test of the real-node issue runs on it (messages across the two chat pods and the
// web server's proxy, every one once and in order).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ChartOnNode, PORTS, startChartOnNode } from './support/chart-on-node';
import { exchangeAcross } from './support/chat-flow';
import { chartDefaults, readChartDefaults } from './support/defaults-on-node';
import { readyPods } from './support/kube-state';
import { clusterName, clusterView, healthy } from './support/postgres-on-node';
import { redisHealthy, redisName, redisView } from './support/redis-on-node';
import { NAMESPACE, RELEASE } from './support/release-prereqs';
import { MINUTE } from './support/timeouts';

async function poll(what: string, timeoutMs: number, check: () => true | string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = check();
      if (r === true) return;
      last = r;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe('the whole platform from one helm install with the chart defaults, on the real node', { timeout: 40 * MINUTE }, () => {
  let chart: ChartOnNode | undefined;
  const c = () => chart as ChartOnNode;
  const defaults = readChartDefaults();

  before(async () => {
    chart = await startChartOnNode(chartDefaults());
  });

  after(() => chart?.stop());

  test('the operator, a healthy PostgresCluster and RedisSentinel, NATS and two pods of each service, all Ready', async () => {
    const pg = clusterName(RELEASE);
    const redis = redisName(RELEASE);
    await poll(`${pg} healthy`, 5 * MINUTE, () => healthy(clusterView(c().cluster.getJson(['-n', NAMESPACE, 'postgrescluster', pg])), defaults.dataLayer.postgres.cluster.instances));
    await poll(`${redis} healthy`, 5 * MINUTE, () => {
      const r = defaults.dataLayer.redis.sentinel;
      return redisHealthy(redisView(c().cluster.getJson(['-n', NAMESPACE, 'redissentinel', redis])), r.replicas, r.sentinels);
    });
    for (const component of ['operator', 'user', 'chat', 'web']) assert.ok(readyPods(c().pods(component)).length >= 1, `${component} has Ready pods`);
    assert.equal(readyPods(c().pods('chat')).length, 2, 'two chat pods by default');
    // Nothing in the release points at an address outside it: the data layer is the operator's.
    const env = c().cluster.getJson(['-n', NAMESPACE, 'deployment', `${RELEASE}-chat`]).spec.template.spec.containers[0].env as { name: string; value?: string }[];
    assert.match(env.find((e) => e.name === 'DATABASE_URL')?.value ?? '', new RegExp(`@${pg}-rw:`));
    assert.match(env.find((e) => e.name === 'REDIS_SENTINELS')?.value ?? '', new RegExp(`^${redis}-sentinel-0\\.`));
    await c().waitAllReady(5 * MINUTE);
  });

  // The chart's web server proxies no API by default (the Ingress routes it, and the node has no
  // Ingress controller): accounts go to the user Service, the room and the third user to the chat Service.
  test('the end-to-end chat test: two users on the two chat pods and a third through the chat Service see every message once, in order', async () => {
    const [podA, podB] = readyPods(c().pods('chat'));
    assert.ok(podA && podB, 'two chat pods');
    const r = await exchangeAcross({
      apiUrl: c().urls.user,
      roomsUrl: c().urls.chat,
      authUrl: c().urls.user,
      endpoints: [
        { name: 'alice@podA', url: `http://${podA.ip}:${PORTS.chat}` },
        { name: 'bob@podB', url: `http://${podB.ip}:${PORTS.chat}` },
        { name: 'carol@service', url: c().urls.chat },
      ],
      rounds: 15,
      label: 'defaults',
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.acked.length, 45);
  });
});
