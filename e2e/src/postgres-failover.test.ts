// Issue 13's acceptance on the real node: the chart with PostgreSQL under the operator
// (hack/kube/values-node-operator.yaml: three instances of the run's postgres image, quorum ANY 1),
// the chat on `<release>-pg-rw`, ten clients sending steadily across both chat pods. The primary's
// container is SIGKILLed five times through containerd, then a planned switchover; after each, a
// replica must be primary and behind `-rw` within 10 s, the chat must recover by itself, and the old
// primary must come back as a replica. At the end every acknowledged message is in the database and
// with every member once, in seq order, without a gap. The figures go to the log as `# ` lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { type ChartOnNode, PORTS, startChartOnNode } from './support/chart-on-node';
import { type Account, ChatClient, createRoom, registerUsers } from './support/chat-client';
import { deliveryProblems, longestStall } from './support/delivery-check';
import { readyPods } from './support/kube-state';
import {
  clusterName,
  clusterView,
  type ClusterView,
  healthy,
  operatorPostgres,
  readOperatorValues,
  readyAddresses,
  spread,
} from './support/postgres-on-node';
import { NAMESPACE, RELEASE } from './support/release-prereqs';
import { type SteadyLoad, startSteadyLoad, until } from './support/steady-load';
import { MINUTE, ROLLOUT_MS } from './support/timeouts';

const REPETITIONS = 5;
const PROMOTE_BOUND_MS = 10_000;
const PG = clusterName(RELEASE);
const values = readOperatorValues();
const INSTANCES = values.dataLayer.postgres.cluster.instances;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  kind: 'failover' | 'switchover';
  from: string;
  to: string;
  /** The fault (SIGKILL, or the spec patch) → a new primary named in the status and alone behind -rw. */
  promoteMs: number;
  /** What the operator itself measured (status.lastFailover.secondsToPromote), for a failover. */
  operatorSeconds?: number;
  /** The longest time without any ack from the fault until the cluster was healthy again. */
  stallMs: number;
  /** The fault → the old primary Ready as a replica, every instance Ready. */
  rejoinMs: number;
  /** Most ready addresses `-rw` ever had at once while it happened (more than one would be split brain). */
  maxRwAddresses: number;
}

describe('PostgreSQL from the operator on the real node: failover and switchover under chat load', { timeout: 60 * MINUTE }, () => {
  let chart: ChartOnNode | undefined;
  const c = () => chart as ChartOnNode;
  const clients: ChatClient[] = [];
  let steady: SteadyLoad | undefined;
  let roomId = '';
  const faults: Fault[] = [];

  const view = async (): Promise<ClusterView> => clusterView(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'postgrescluster', PG]));
  const rwAddresses = async () => readyAddresses(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'endpointslices', '-l', `kubernetes.io/service-name=${PG}-rw`]));
  const podIp = async (name: string) => (await c().cluster.getJsonAsync(['-n', NAMESPACE, 'pod', name])).status?.podIP as string | undefined;

  /** Polls (without blocking the clients) until `check` is true; returns when, failing with the last reason. */
  async function poll(what: string, timeoutMs: number, check: () => Promise<true | string>, everyMs = 250): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const r = await check();
        if (r === true) return Date.now();
        last = r;
      } catch (e) {
        last = String(e);
      }
      if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (${last})`);
      await sleep(everyMs);
    }
  }

  /** Waits for a new primary (≠ `from`) in the status, alone behind -rw; samples -rw meanwhile. */
  async function waitForNewPrimary(from: string, t0: number, sample: { max: number }): Promise<{ to: string; at: number }> {
    let to = '';
    const at = await poll(`a primary other than ${from} behind ${PG}-rw`, 60_000, async () => {
      const [v, addrs] = await Promise.all([view(), rwAddresses()]);
      sample.max = Math.max(sample.max, addrs.length);
      if (!v.primary || v.primary === from) return `primary still ${v.primary || '-'} (${Date.now() - t0} ms)`;
      const ip = await podIp(v.primary);
      if (addrs.length !== 1 || addrs[0] !== ip) return `${v.primary} named primary, -rw has [${addrs.join(', ')}], its IP ${ip}`;
      to = v.primary;
      return true;
    });
    return { to, at };
  }

  /** After a fault: the old primary Ready as a replica, every instance Ready, -rw still on the new one. */
  async function waitForRejoin(from: string, to: string, sample: { max: number }): Promise<number> {
    return poll(`${from} back as a replica of ${to}`, 4 * MINUTE, async () => {
      const [v, addrs] = await Promise.all([view(), rwAddresses()]);
      sample.max = Math.max(sample.max, addrs.length);
      if (v.primary !== to) return `the primary moved again, to ${v.primary}`;
      const old = v.instances.find((i) => i.name === from);
      if (old?.role !== 'replica' || !old.ready) return `${from} is ${old?.role ?? 'absent'}${old?.ready ? '' : ' (not ready)'}`;
      return healthy(v, INSTANCES);
    }, 1000);
  }

  async function ackedSince(n: number, what: string) {
    const s = steady as SteadyLoad;
    const mark = s.results.length;
    await until(what, 2 * MINUTE, () => s.results.length >= mark + n);
  }

  before(async () => {
    chart = await startChartOnNode(operatorPostgres(values));
    await poll(`${PG} healthy`, 5 * MINUTE, async () => healthy(await view(), INSTANCES), 2000);
  });

  after(async () => {
    await steady?.stop();
    for (const cl of clients) cl.close();
    chart?.stop();
  });

  test('the chart brings up the operator and a healthy three-instance cluster; the services use -rw with the app Secret', async () => {
    const v = await view();
    assert.equal(healthy(v, INSTANCES), true);
    assert.equal(v.instances.length, INSTANCES);
    // -rw selects exactly the primary; -ro the replicas.
    assert.deepEqual(await rwAddresses(), [await podIp(v.primary)]);
    const ro = readyAddresses(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'endpointslices', '-l', `kubernetes.io/service-name=${PG}-ro`]));
    assert.equal(ro.length, INSTANCES - 1);
    for (const component of ['user', 'chat'] as const) {
      const spec = c().cluster.getJson(['-n', NAMESPACE, 'deployment', `${RELEASE}-${component}`]).spec.template.spec;
      const env = spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[];
      assert.match(env.find((e) => e.name === 'DATABASE_URL')?.value ?? '', new RegExp(`@${PG}-rw:5432/`), `${component} DATABASE_URL`);
      assert.deepEqual(env.find((e) => e.name === 'DATABASE_PASSWORD')?.valueFrom?.secretKeyRef, { name: `${PG}-app`, key: 'password' });
    }
    // The operator's own pod: Ready through its probes, JSON logs, the Lease held.
    const operatorPods = readyPods(c().pods('operator'));
    assert.equal(operatorPods.length, 1, 'the operator pod is Ready');
    const lease = c().cluster.getJson(['-n', NAMESPACE, 'lease', `${RELEASE}-operator`]);
    assert.equal(lease.spec.holderIdentity, operatorPods[0]?.name);
    const logs = c().kubectl(['logs', operatorPods[0]?.name ?? '']).trim().split('\n').filter(Boolean);
    for (const l of logs) assert.equal(typeof (JSON.parse(l) as { msg?: unknown }).msg, 'string', l);
  });

  test(`the primary SIGKILLed ${REPETITIONS} times under load: a replica takes over within 10 s, nothing acked is lost`, async () => {
    const users = await registerUsers(c().urls.user, 'pgfo', 10);
    roomId = await createRoom(c().urls.chat, users[0] as Account, users.slice(1), 'failover');
    const chatPods = readyPods(c().pods('chat'));
    assert.equal(chatPods.length, 2, 'two chat pods');
    // Five clients on each chat pod: both pods' pools live through every failover.
    const load = await Promise.all(
      users.map((u, i) =>
        ChatClient.connect({
          authUrl: c().urls.user,
          url: `http://${chatPods[i % 2]?.ip}:${PORTS.chat}`,
          reconnectUrl: c().urls.chat,
          account: u,
          roomId,
          name: `pgfo${i}`,
        }),
      ),
    );
    clients.push(...load);
    steady = startSteadyLoad(load, { intervalMs: 200, maxPerClient: 20_000, label: 'pgfo' });
    await ackedSince(50, 'sends acked before the first kill');

    for (let rep = 1; rep <= REPETITIONS; rep++) {
      const from = (await view()).primary;
      const pod = c().pods('database').find((p) => p.name === from);
      const container = pod?.containers.find((k) => k.name === 'postgres');
      if (!container?.containerID.startsWith('containerd://')) assert.fail(`no containerd id for ${from}: ${JSON.stringify(pod)}`);
      const sample = { max: 0 };
      c().cluster.ctr(['tasks', 'kill', '--signal', 'SIGKILL', container.containerID.replace('containerd://', '')]);
      const tKill = Date.now();
      const { to, at } = await waitForNewPrimary(from, tKill, sample);
      await ackedSince(30, `sends acked after failover ${rep}`);
      const back = await waitForRejoin(from, to, sample);
      const v = await view();
      const fault: Fault = {
        kind: 'failover',
        from,
        to,
        promoteMs: at - tKill,
        stallMs: longestStall((steady as SteadyLoad).results.map((r) => r.ackedAt), tKill, back),
        rejoinMs: back - tKill,
        maxRwAddresses: sample.max,
        ...(v.lastFailover?.to === to ? { operatorSeconds: v.lastFailover.secondsToPromote } : {}),
      };
      faults.push(fault);
      console.log(`# failover ${rep}: ${JSON.stringify(fault)}`);
      // The old primary followed the new timeline: it was rewound (or re-cloned), never a second primary.
      const oldTimeline = v.instances.find((i) => i.name === from)?.timeline;
      const newTimeline = v.instances.find((i) => i.name === to)?.timeline;
      assert.equal(oldTimeline, newTimeline, `${from} on ${to}'s timeline`);
    }
    for (const f of faults) {
      assert.ok(f.promoteMs <= PROMOTE_BOUND_MS, `${f.from} → ${f.to} promoted in ${f.promoteMs} ms`);
      assert.equal(f.maxRwAddresses, 1, `-rw never had two primaries (${f.from} → ${f.to})`);
    }
  });

  test('a planned switchover under the same load loses nothing and stalls sends less than a failover', async () => {
    assert.ok(steady, 'the load of the previous test runs');
    const before = await view();
    const target = before.instances.find((i) => i.role === 'replica' && i.ready)?.name;
    assert.ok(target, 'a ready replica to switch to');
    const sample = { max: 0 };
    c().kubectl(['patch', 'postgrescluster', PG, '--type=merge', '-p', JSON.stringify({ spec: { switchover: { to: target } } })]);
    const t0 = Date.now();
    const { to, at } = await waitForNewPrimary(before.primary, t0, sample);
    assert.equal(to, target, 'the named replica was promoted');
    await ackedSince(30, 'sends acked after the switchover');
    const back = await waitForRejoin(before.primary, to, sample);
    const done = await view();
    assert.equal(done.switchoverDone, target, 'the status reports the request done');
    const fault: Fault = {
      kind: 'switchover',
      from: before.primary,
      to,
      promoteMs: at - t0,
      stallMs: longestStall((steady as SteadyLoad).results.map((r) => r.ackedAt), t0, back),
      rejoinMs: back - t0,
      maxRwAddresses: sample.max,
    };
    faults.push(fault);
    console.log(`# switchover: ${JSON.stringify(fault)}`);
    assert.equal(fault.maxRwAddresses, 1, '-rw never had two primaries');
    const failoverStalls = spread(faults.filter((f) => f.kind === 'failover').map((f) => f.stallMs));
    assert.ok(fault.stallMs < failoverStalls.median, `switchover stall ${fault.stallMs} ms < failover median ${failoverStalls.median} ms`);
  });

  test('every acknowledged message is stored once, in seq order without a gap, and every member holds them all', async () => {
    assert.ok(steady, 'the load ran');
    await steady.stop();
    assert.deepEqual(steady.failures, [], 'every send was acked in the end');
    for (const cl of clients) await cl.sync();
    const acked = steady.acked();
    const problems = deliveryProblems(acked, clients.map((cl, i) => ({ name: `pgfo${i}`, history: cl.history() })));
    assert.deepEqual(problems.slice(0, 20), []);

    // The database itself, through -rw from the host with the app user's generated password.
    const secret = c().cluster.getJson(['-n', NAMESPACE, 'secret', `${PG}-app`]);
    const password = Buffer.from(secret.data.password, 'base64').toString();
    const ip = c().cluster.getJson(['-n', NAMESPACE, 'service', `${PG}-rw`]).spec.clusterIP as string;
    const sql = `SELECT sender_id || '/' || client_msg_id, seq FROM messages WHERE room_id = '${roomId}' ORDER BY seq`;
    const r = spawnSync('psql', ['-h', ip, '-U', 'converge', '-d', 'converge_chat', '-AtF', ' ', '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]);
    rows.forEach(([, seq], i) => assert.equal(Number(seq), i + 1, `row ${i + 1} has seq ${seq}: a gap`));
    const stored = new Set(rows.map(([id]) => id));
    const lost = acked.filter((m) => !stored.has(`${m.senderId}/${m.clientMsgId}`));

    const failovers = faults.filter((f) => f.kind === 'failover');
    const promote = spread(failovers.map((f) => f.promoteMs));
    const stall = spread(failovers.map((f) => f.stallMs));
    const switchover = faults.find((f) => f.kind === 'switchover');
    console.log(
      `# postgres failover x${failovers.length}: promote min/median/max ${promote.min}/${promote.median}/${promote.max} ms ` +
        `(operator's own: ${failovers.map((f) => f.operatorSeconds ?? '-').join(', ')} s), longest send stall ${stall.min}/${stall.median}/${stall.max} ms, ` +
        `rejoin ${spread(failovers.map((f) => f.rejoinMs)).median} ms median; switchover promote ${switchover?.promoteMs} ms, stall ${switchover?.stallMs} ms; ` +
        `${acked.length} sends acked, ${lost.length} acked lost, ${rows.length} rows, ${steady.retries()} retries ${JSON.stringify(steady.retryReasons())}`,
    );
    assert.equal(lost.length, 0, `acked but not stored: ${lost.slice(0, 5).map((m) => m.clientMsgId).join(', ')}`);
    assert.equal(rows.length, acked.length, 'no message stored that was not acked (each send is acked once it is stored)');
    await c().waitAllReady(ROLLOUT_MS);
  });
});
