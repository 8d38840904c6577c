// Issue 13's acceptance on the real node: the chart in operator mode (the operator, a 3-instance
// PostgresCluster with synchronous quorum replication, the agents as PID 1 of the PostgreSQL pods), the
// chat under steady load from 10 clients, and the primary's container SIGKILLed five times, then a
// planned switchover. Every acked message must be stored once, in seq order, without a gap.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '@converge/testing/kube';
import { type ChartOnNode, startChartOnNode } from './support/chart-on-node';
import { type Account, ChatClient, createRoom, registerUsers } from './support/chat-client';
import { deliveryProblems, longestStall } from './support/delivery-check';
import { NAMESPACE, RELEASE } from './support/release-prereqs';
import { startSteadyLoad, until } from './support/steady-load';
import { MINUTE, ROLLOUT_MS } from './support/timeouts';

const OVERLAY = join(REPO, 'hack', 'kube', 'values-node-operator.yaml');
const PG = `${RELEASE}-pg`;
const PG_UID = 10232;
const REPETITIONS = 5;

/** hostPath volumes for the instances' claims (`<cluster>-<n>`), owned by the postgres uid. */
function instanceVolumes(nodeDir: string): unknown[] {
  return [1, 2, 3].map((n) => {
    const path = join(nodeDir, 'pg-volumes', `pg-${n}`);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chownSync(path, PG_UID, PG_UID);
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${NAMESPACE}-${PG}-${n}`, labels: { 'app.kubernetes.io/part-of': 'converge-standin' } },
      spec: {
        storageClassName: 'converge-node-local',
        capacity: { storage: '256Mi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path, type: 'Directory' },
        claimRef: { namespace: NAMESPACE, name: `${PG}-${n}` },
      },
    };
  });
}

interface PgStatus {
  phase?: string;
  currentPrimary?: string;
  instances?: { name: string; role: string; ready: boolean }[];
  conditions?: { type: string; status: string; message: string }[];
  switchoverDone?: string;
}

describe('PostgreSQL failover under chat load, on the real node', { timeout: 60 * MINUTE }, () => {
  let chart: ChartOnNode | undefined;
  const c = () => chart as ChartOnNode;
  const clients: ChatClient[] = [];
  const status = (): PgStatus => c().cluster.getJson(['-n', NAMESPACE, 'postgrescluster', PG]).status ?? {};
  const healthy = (s: PgStatus) =>
    s.phase === 'Healthy' && s.instances?.length === 3 && s.instances.every((i) => i.ready) && s.instances.filter((i) => i.role === 'primary').length === 1;

  before(async () => {
    chart = await startChartOnNode({ valuesFiles: [OVERLAY], images: ['operator'], prerequisites: instanceVolumes });
    await c().cluster.waitFor('the PostgresCluster Healthy', ROLLOUT_MS, () => healthy(status()) || JSON.stringify(status()));
  });

  after(() => {
    for (const cl of clients) cl.close();
    chart?.stop();
  });

  test('the primary killed 5 times and a switchover: a replica is primary within 10 s, nothing acked is lost, the old primary rejoins', async () => {
    const users = await registerUsers(c().urls.user, 'pgf', 10);
    const roomId = await createRoom(c().urls.chat, users[0] as Account, users.slice(1), 'failover');
    const load = await Promise.all(
      users.map(async (u, i) => {
        const cl = await ChatClient.connect({ authUrl: c().urls.user, url: c().urls.chat, account: u, roomId, name: `pgf${i}` });
        clients.push(cl);
        return cl;
      }),
    );
    const steady = startSteadyLoad(load, { intervalMs: 200, maxPerClient: 5000, label: 'pgf' });
    await until('sends acked before the first kill', MINUTE, () => steady.results.length >= 50);

    const promoteMs: number[] = [];
    const stalls: number[] = [];
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      const before = status();
      const old = before.currentPrimary!;
      const pod = c().cluster.getJson(['-n', NAMESPACE, 'pod', old]);
      const id = (pod.status.containerStatuses as { name: string; containerID: string }[]).find((k) => k.name === 'postgres')!.containerID.replace('containerd://', '');
      const t0 = Date.now();
      c().cluster.ctr(['tasks', 'kill', '--signal', 'SIGKILL', id]);
      let tPromoted = 0;
      await c().cluster.waitFor(`rep ${rep}: a replica promoted in place of ${old}`, 2 * MINUTE, () => {
        const s = status();
        if (s.currentPrimary && s.currentPrimary !== old && s.instances?.some((i) => i.name === s.currentPrimary && i.role === 'primary')) {
          tPromoted ||= Date.now();
          return true;
        }
        return JSON.stringify({ primary: s.currentPrimary, phase: s.phase });
      });
      promoteMs.push(tPromoted - t0);
      const mark = steady.results.length;
      await until(`rep ${rep}: sends acked after the failover`, 2 * MINUTE, () => steady.results.length >= mark + 50);
      await c().cluster.waitFor(`rep ${rep}: ${old} back as a replica, all Healthy`, ROLLOUT_MS, () => {
        const s = status();
        return (healthy(s) && s.instances!.find((i) => i.name === old)?.role === 'replica') || JSON.stringify(s.instances);
      });
      stalls.push(longestStall(steady.results.map((r) => r.ackedAt), t0, t0 + 20_000));
      console.log(`# failover ${rep}: ${old} killed, ${status().currentPrimary} primary after ${tPromoted - t0} ms; longest stall without any ack ${stalls.at(-1)} ms`);
    }

    // A planned switchover to a replica, under the same load.
    const s0 = status();
    const target = s0.instances!.find((i) => i.role === 'replica')!.name;
    const tS = Date.now();
    c().cluster.kubectl(['-n', NAMESPACE, 'patch', 'postgrescluster', PG, '--type=merge', '-p', JSON.stringify({ spec: { switchover: { to: target } } })]);
    await c().cluster.waitFor(`switchover to ${target}`, 2 * MINUTE, () => {
      const s = status();
      return (s.currentPrimary === target && s.switchoverDone === target) || JSON.stringify({ primary: s.currentPrimary, phase: s.phase });
    });
    const switchMs = Date.now() - tS;
    const markS = steady.results.length;
    await until('sends acked after the switchover', 2 * MINUTE, () => steady.results.length >= markS + 50);
    const switchStall = longestStall(steady.results.map((r) => r.ackedAt), tS, tS + 20_000);
    await c().cluster.waitFor('all Healthy after the switchover', ROLLOUT_MS, () => healthy(status()) || JSON.stringify(status().instances));
    await steady.stop();

    assert.deepEqual(steady.failures, [], 'every send was acked in the end (the clients retry with the same clientMsgId)');
    for (const cl of load) await cl.sync();
    const problems = deliveryProblems(steady.acked(), load.map((cl, i) => ({ name: `pgf${i}`, history: cl.history() })));
    const sorted = [...promoteMs].sort((a, b) => a - b);
    console.log(
      `# failover x${REPETITIONS}: time to promote min ${sorted[0]} / median ${sorted[Math.floor(sorted.length / 2)]} / max ${sorted.at(-1)} ms; ` +
        `longest stalls ${stalls.join(', ')} ms; switchover ${switchMs} ms, longest stall ${switchStall} ms; ` +
        `${steady.results.length} sends acked, ${problems.length} delivery problems, ` +
        `${steady.results.filter((r) => r.attempts > 1).length} sends retried`,
    );
    assert.deepEqual(problems.slice(0, 20), [], 'every acked message is stored once, in seq order, no gap');
    for (const ms of promoteMs) assert.ok(ms <= 10_000, `a replica was primary within 10 s (${promoteMs.join(', ')} ms)`);
    assert.ok(switchStall < Math.max(...stalls), `the switchover stalled sends less (${switchStall} ms) than the failovers (${stalls.join(', ')} ms)`);
  });
});
