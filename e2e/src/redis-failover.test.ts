// Issue 14's acceptance on the real node: the whole data layer from the operator (PostgreSQL as in
// postgres-failover.test.ts, Redis with Sentinel from hack/kube/values-node-redis.yaml), the services
// connected through Sentinel, ten clients sending across both chat pods.
// - The Redis master's container SIGKILLed five times: a new master within 10 s, `-master` and the
//   labels follow, the old master returns as a replica, presence recovers.
// - One Sentinel cut off from the others by iptables rules in its pod's network namespace while the
//   master is killed: `SentinelsDisagree` names the differing views, and clears once healed.
// - Combined chaos: in one 3-minute load a chat pod, the Redis master and the PostgreSQL primary are
//   killed in turn; a timeline (fault, detection, recovery) is printed.
// After each, every acked message is with every member once, in order (real time plus room:sync).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { callOk } from '@converge/testing';
import { type ChartOnNode, PORTS, startChartOnNode } from './support/chart-on-node';
import { type Account, ChatClient, createRoom, registerUsers } from './support/chat-client';
import { deliveryProblems, longestStall } from './support/delivery-check';
import { readyPods } from './support/kube-state';
import { clusterName, clusterView, healthy, readOperatorValues, readyAddresses, spread } from './support/postgres-on-node';
import { operatorDataLayer, readRedisValues, redisHealthy, redisName, type RedisView, redisView } from './support/redis-on-node';
import { NAMESPACE, RELEASE } from './support/release-prereqs';
import { type SteadyLoad, startSteadyLoad, until } from './support/steady-load';
import { MINUTE, ROLLOUT_MS } from './support/timeouts';

const REPETITIONS = 5;
const NEW_MASTER_BOUND_MS = 10_000;
const REDIS = redisName(RELEASE);
const PG = clusterName(RELEASE);
const redisValues = readRedisValues().dataLayer.redis.sentinel;
const PG_INSTANCES = readOperatorValues().dataLayer.postgres.cluster.instances;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe('Redis with Sentinel from the operator on the real node: master kills, a partitioned Sentinel, combined chaos', { timeout: 60 * MINUTE }, () => {
  let chart: ChartOnNode | undefined;
  const c = () => chart as ChartOnNode;
  const clients: ChatClient[] = [];
  let users: Account[] = [];
  let roomId = '';

  const view = async (): Promise<RedisView> => redisView(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'redissentinel', REDIS]));
  const masterAddresses = async () => readyAddresses(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'endpointslices', '-l', `kubernetes.io/service-name=${REDIS}-master`]));
  const pod = async (name: string) => c().cluster.getJsonAsync(['-n', NAMESPACE, 'pod', name]);
  const redisPods = () => c().cluster.getJson(['-n', NAMESPACE, 'pods', '-l', `data.converge.io/redis-sentinel=${REDIS}`]).items as any[];

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

  const waitRedisHealthy = (timeoutMs = 3 * MINUTE) =>
    poll(`${REDIS} healthy`, timeoutMs, async () => redisHealthy(await view(), redisValues.replicas, redisValues.sentinels), 1000);

  /** A master other than `from` in the status, labelled, and alone behind `-master`. */
  const waitNewMaster = (from: string, t0: number) =>
    poll(`a Redis master other than ${from}`, 60_000, async () => {
      const v = await view();
      if (!v.master || v.master === from) return `master still ${v.master || '-'} (${Date.now() - t0} ms)`;
      const p = await pod(v.master);
      const addrs = await masterAddresses();
      if (p.metadata.labels?.['data.converge.io/redis-role'] !== 'master') return `${v.master} not labelled master yet`;
      if (addrs.length !== 1 || addrs[0] !== p.status?.podIP) return `-master has [${addrs.join(', ')}], ${v.master} is ${p.status?.podIP}`;
      return true;
    });

  /** SIGKILL of one container of a pod through the node's containerd. */
  function killContainer(podJson: any, container: string): void {
    const id = (podJson.status?.containerStatuses ?? []).find((k: any) => k.name === container)?.containerID as string | undefined;
    if (!id?.startsWith('containerd://')) assert.fail(`no containerd id for ${podJson.metadata?.name}/${container}`);
    c().cluster.ctr(['tasks', 'kill', '--signal', 'SIGKILL', id.replace('containerd://', '')]);
  }

  async function connectLoad(prefix: string): Promise<ChatClient[]> {
    const chatPods = readyPods(c().pods('chat'));
    assert.equal(chatPods.length, 2, 'two chat pods');
    const load = await Promise.all(
      users.map((u, i) =>
        ChatClient.connect({
          authUrl: c().urls.user,
          url: `http://${chatPods[i % 2]?.ip}:${PORTS.chat}`,
          reconnectUrl: c().urls.chat,
          account: u,
          roomId,
          name: `${prefix}${i}`,
        }),
      ),
    );
    clients.push(...load);
    return load;
  }

  async function ackedSince(steady: SteadyLoad, n: number, what: string) {
    const mark = steady.results.length;
    await until(what, 2 * MINUTE, () => steady.results.length >= mark + n);
  }

  async function checkDelivery(steady: SteadyLoad, load: ChatClient[], prefix: string): Promise<void> {
    await steady.stop();
    assert.deepEqual(steady.failures, [], 'every send was acked in the end');
    for (const cl of load) await cl.sync();
    const problems = deliveryProblems(steady.acked(), load.map((cl, i) => ({ name: `${prefix}${i}`, history: cl.history() })));
    assert.deepEqual(problems.slice(0, 20), []);
  }

  before(async () => {
    chart = await startChartOnNode(operatorDataLayer());
    await poll(`${PG} healthy`, 5 * MINUTE, async () => healthy(clusterView(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'postgrescluster', PG])), PG_INSTANCES), 2000);
    await waitRedisHealthy(5 * MINUTE);
    users = await registerUsers(c().urls.user, 'rds', 10);
    roomId = await createRoom(c().urls.chat, users[0] as Account, users.slice(1), 'redis failover');
  });

  after(() => {
    for (const cl of clients) cl.close();
    chart?.stop();
  });

  test('the RedisSentinel is healthy; the services reach Redis through Sentinel with the generated password', async () => {
    const v = await view();
    assert.equal(redisHealthy(v, redisValues.replicas, redisValues.sentinels), true);
    assert.deepEqual(await masterAddresses(), [(await pod(v.master)).status.podIP]);
    for (const component of ['user', 'chat'] as const) {
      const env = c().cluster.getJson(['-n', NAMESPACE, 'deployment', `${RELEASE}-${component}`]).spec.template.spec.containers[0].env as any[];
      assert.match(env.find((e) => e.name === 'REDIS_SENTINELS')?.value ?? '', new RegExp(`^${REDIS}-sentinel-0\\.`), `${component} REDIS_SENTINELS`);
      assert.deepEqual(env.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef, { name: `${REDIS}-auth`, key: 'password' });
    }
    // The printer columns a person reads: the master and the phase.
    const table = c().kubectl(['get', 'postgresclusters,redissentinels']);
    assert.match(table, new RegExp(`${REDIS}\\s+${v.master}\\b`), table);
    assert.match(table, new RegExp(`${PG}\\s+${PG}-\\d`), table);
  });

  test(`the Redis master SIGKILLed ${REPETITIONS} times under chat load: a new master within 10 s, nothing acked lost, presence recovers`, async () => {
    const load = await connectLoad('rk');
    const steady = startSteadyLoad(load, { intervalMs: 200, maxPerClient: 20_000, label: 'rk' });
    await ackedSince(steady, 50, 'sends acked before the first kill');
    const times: { from: string; to: string; newMasterMs: number; healthyMs: number; stallMs: number }[] = [];
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      const from = (await view()).master;
      killContainer(await pod(from), 'redis');
      const t0 = Date.now();
      const at = await waitNewMaster(from, t0);
      await ackedSince(steady, 30, `sends acked after master kill ${rep}`);
      const back = await waitRedisHealthy();
      const to = (await view()).master;
      const r = { from, to, newMasterMs: at - t0, healthyMs: back - t0, stallMs: longestStall(steady.results.map((x) => x.ackedAt), t0, back) };
      times.push(r);
      console.log(`# redis master kill ${rep}: ${JSON.stringify(r)}`);
    }
    // Presence lives in Redis: every connected member is online again, as another member sees it.
    await poll('all ten members online', 2 * MINUTE, async () => {
      const p = await callOk<{ users: { userId: string; online: boolean }[] }>(c().urls.chat, 'GET', `/rooms/${roomId}/presence`, undefined, users[1]?.accessToken);
      const online = p.users.filter((u) => u.online).length;
      return online === users.length || `${online} of ${users.length} online`;
    }, 2000);
    await checkDelivery(steady, load, 'rk');
    for (const cl of load) cl.close();
    const s = spread(times.map((t) => t.newMasterMs));
    console.log(
      `# redis master kills x${times.length}: new master min/median/max ${s.min}/${s.median}/${s.max} ms, healthy again median ${spread(times.map((t) => t.healthyMs)).median} ms, ` +
        `longest send stall ${spread(times.map((t) => t.stallMs)).max} ms; ${steady.results.length} acked, ${steady.retries()} retries ${JSON.stringify(steady.retryReasons())}`,
    );
    for (const t of times) assert.ok(t.newMasterMs <= NEW_MASTER_BOUND_MS, `${t.from} → ${t.to} in ${t.newMasterMs} ms`);
  });

  test('a Sentinel cut off by a rule in its network namespace: SentinelsDisagree names the views while the others fail over, and clears when healed', async () => {
    const pods = redisPods();
    const sentinels = pods.filter((p) => p.metadata.labels['data.converge.io/redis-component'] === 'sentinel');
    const cut = sentinels[0];
    const others = pods.filter((p) => p.metadata.name !== cut.metadata.name).map((p) => p.status.podIP as string);
    // The cut Sentinel's network namespace, through its container's PID (containerd's task list).
    const id = (cut.status.containerStatuses as any[])[0].containerID.replace('containerd://', '');
    const pid = c().cluster.ctr(['tasks', 'ls']).split('\n').find((l) => l.startsWith(id))?.split(/\s+/)[1];
    assert.ok(pid, `a PID for ${cut.metadata.name}`);
    const netns = (args: string[]) => execFileSync('nsenter', ['-t', pid, '-n', 'iptables', '-w', ...args], { encoding: 'utf8', timeout: 30_000 });
    // Only the other Redis and Sentinel pods are cut: the operator still reads this Sentinel's view.
    for (const ip of others) {
      netns(['-A', 'INPUT', '-s', ip, '-j', 'DROP']);
      netns(['-A', 'OUTPUT', '-d', ip, '-j', 'DROP']);
    }
    try {
      const from = (await view()).master;
      killContainer(await pod(from), 'redis');
      const t0 = Date.now();
      await waitNewMaster(from, t0);
      const seen = await poll('SentinelsDisagree with the views', 2 * MINUTE, async () => {
        const v = await view();
        return (v.conditions.SentinelsDisagree === 'True' && v.disagreement.includes(cut.metadata.name)) || `SentinelsDisagree=${v.conditions.SentinelsDisagree ?? '-'} ${v.disagreement}`;
      });
      const v = await view();
      console.log(`# sentinel partition: disagreement seen ${seen - t0} ms after the kill: ${v.disagreement}`);
      assert.ok(v.disagreement.includes(from) || v.disagreement.includes(v.master), `the views name the masters: ${v.disagreement}`);
    } finally {
      netns(['-F', 'INPUT']);
      netns(['-F', 'OUTPUT']);
    }
    const healed = Date.now();
    await poll('SentinelsDisagree cleared', 3 * MINUTE, async () => {
      const v = await view();
      return v.conditions.SentinelsDisagree !== 'True' || `still: ${v.disagreement}`;
    }, 1000);
    console.log(`# sentinel partition healed: condition cleared in ${Date.now() - healed} ms`);
    await waitRedisHealthy();
  });

  test('combined chaos in one 3-minute load: a chat pod, the Redis master and the PostgreSQL primary killed in turn; nothing lost or doubled', async () => {
    const load = await connectLoad('cx');
    const steady = startSteadyLoad(load, { intervalMs: 200, maxPerClient: 20_000, label: 'cx' });
    const t0 = Date.now();
    const timeline: string[] = [];
    const mark = (what: string) => {
      timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${what}`);
    };
    await sleep(25_000);

    const chatPod = readyPods(c().pods('chat'))[0];
    assert.ok(chatPod, 'a chat pod');
    killContainer(await pod(chatPod.name), 'chat');
    mark(`SIGKILL chat container of ${chatPod.name}`);
    await poll('the chat pod seen not ready', 60_000, async () => (await pod(chatPod.name)).status.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'False') || 'still ready', 250);
    mark(`${chatPod.name} not Ready (detected)`);
    await poll('the chat pod Ready again', ROLLOUT_MS, async () => (await pod(chatPod.name)).status.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True') || 'not ready', 500);
    mark(`${chatPod.name} Ready again (recovered)`);
    await sleep(15_000);

    const master = (await view()).master;
    killContainer(await pod(master), 'redis');
    mark(`SIGKILL Redis master ${master}`);
    await waitNewMaster(master, Date.now());
    mark(`Redis master now ${(await view()).master} (detected, -master follows)`);
    await waitRedisHealthy();
    mark(`${master} back as a replica, Sentinels agree (recovered)`);
    await sleep(15_000);

    const pgView = async () => clusterView(await c().cluster.getJsonAsync(['-n', NAMESPACE, 'postgrescluster', PG]));
    const primary = (await pgView()).primary;
    killContainer(await pod(primary), 'postgres');
    mark(`SIGKILL PostgreSQL primary ${primary}`);
    await poll('a new PostgreSQL primary', 60_000, async () => {
      const v = await pgView();
      return (v.primary !== '' && v.primary !== primary) || `primary ${v.primary}`;
    });
    mark(`PostgreSQL primary now ${(await pgView()).primary} (detected)`);
    await poll(`${PG} healthy`, 4 * MINUTE, async () => healthy(await pgView(), PG_INSTANCES), 1000);
    mark(`${primary} back as a replica (recovered)`);

    const left = 180_000 - (Date.now() - t0);
    if (left > 0) await sleep(left);
    mark('load stops');
    await checkDelivery(steady, load, 'cx');
    mark(`${steady.results.length} acked, every member holds all once in order`);
    console.log(`# combined chaos timeline:\n${timeline.map((l) => `#   ${l}`).join('\n')}`);
    for (const cl of load) cl.close();
    await c().waitAllReady(ROLLOUT_MS);
  });
});
