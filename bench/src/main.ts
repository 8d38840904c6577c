// `make bench`: the chat service against its two ceilings (bare Socket.IO with the same Redis adapter,
// raw pg inserts of the same rows), and Centrifugo as a second fan-out ceiling, measured side by side in
// one run on this machine. Prints a table and writes .test-results/bench.json. Every process it starts
// is stopped by its PID.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, startNatsServer, startRedisServer, type TestDatabase, TestIssuer, type TestServer } from '@converge/testing';
import { centrifugoBinary, startCentrifugo } from './centrifugo';
import { startCommitProbe } from './commit-probe';
import { killAllStarted, LoadWorker, trackPid, untrackPid } from './procs';
import { rawInsertCeiling } from './raw-insert';
import { type CpuProfile, selfTimeByPackage, topSelfTime } from './report';
import { type RawResult, resultsTable, type SystemResult } from './results-table';
import { type BatchFigures, batchFigures, readBatchTotals } from './batch-metrics';
import { closeSockets, fanoutPhase, latencyPhase, memoryPhase, openRoomSet, type PhaseFigures, sendsPhase, type Settings, settle, type Watched } from './scenarios';
import { fmt, type Summary } from './stats';
import { startBare, startChat, type System } from './systems';

const root = resolve(__dirname, '../../..');
const env = process.env;
const num = (k: string, d: number) => (env[k] ? Number(env[k]) : d);

const settings: Settings = {
  warmupMs: num('BENCH_WARMUP_MS', 1000),
  measureMs: num('BENCH_MEASURE_MS', 5000),
  bodyChars: num('BENCH_BODY_CHARS', 120),
  rooms: num('BENCH_ROOMS', 100),
  membersPerRoom: 4,
  sendersPerRoom: num('BENCH_SENDERS_PER_ROOM', 2),
  idleSockets: num('BENCH_IDLE_SOCKETS', 2000),
  fanoutSizes: (env.BENCH_FANOUT ?? '10,100,1000').split(',').map(Number),
  fanoutSenders: num('BENCH_FANOUT_SENDERS', 10),
  log: (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`),
};
const clientProcs = num('BENCH_CLIENT_PROCS', 2);
const only = new Set((env.BENCH_ONLY ?? 'bare,raw,chat,centrifugo').split(','));
const profile = env.BENCH_PROFILE !== '0';
const phases = new Set((env.BENCH_PHASES ?? 'memory,sends,latency,fanout').split(','));
const chatPool = num('BENCH_CHAT_DB_POOL', 10);
const resultsDir = join(root, '.test-results');
/**
 * The per-user send limit (10/s, burst 20 by default) would cap a few senders long before the service
 * does: it is lifted so the bench measures capacity, not policy. The token bucket still runs (and costs
 * its Redis call) on every send. One socket per user stays under MAX_SOCKETS_PER_USER.
 */
const CHAT_LIMITS = { SEND_RATE_PER_SECOND: '100000', SEND_BURST: '100000', RATE_LIMITS: '*=100000/1' };
const log = settings.log;

function phaseLine(name: string, f: PhaseFigures): string {
  const errs = Object.entries(f.errors).map(([k, v]) => `${k}=${v}`).join(',');
  const cpu = f.cpu
    ? ` cpu/s: servers ${f.cpu.servers.toFixed(2)} clients ${f.cpu.clients.toFixed(2)} redis ${f.cpu.redis.toFixed(2)} pg ${f.cpu.postgres.toFixed(2)} others ${f.cpu.others.toFixed(2)}`
    : '';
  return `${name}: ${fmt(f.sendsPerSec)} sends/s, ${fmt(f.deliveriesPerSec)} deliveries/s, ack p50 ${fmt(f.ack.p50)} p99 ${fmt(f.ack.p99)} ms, deliver p50 ${fmt(f.deliver.p50)} p99 ${fmt(f.deliver.p99)} ms${errs ? `, errors ${errs}` : ''}${f.unacked ? `, unacked ${f.unacked}` : ''}${f.echoTimeouts ? `, echo timeouts ${f.echoTimeouts}` : ''}; client ELU ${f.clientElu.join('/')}${cpu}`;
}

/** Runs `fn` with pod a's CPU profile on: its result, and the profile's hot spots (none without a probe). */
async function profiled<T>(sys: System, file: string, fn: () => Promise<T>): Promise<{ value: T; hotSpots: SystemResult['hotSpots'] }> {
  const probe = sys.pods[0]?.probeUrl;
  if (!probe) return { value: await fn(), hotSpots: undefined };
  await fetch(`${probe}/profile/start`);
  let value: T;
  try {
    value = await fn();
  } finally {
    await fetch(`${probe}/profile/stop?file=${encodeURIComponent(file)}`);
  }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  return {
    value,
    hotSpots: { top: topSelfTime(prof, 15, root + '/'), byPackage: selfTimeByPackage(prof).slice(0, 12), byPackageCharged: selfTimeByPackage(prof, true).slice(0, 12), file },
  };
}

async function memoryOf(sys: System, workers: LoadWorker[], watched: Watched, out: SystemResult): Promise<void> {
  const m = await memoryPhase(sys, workers, settings, watched);
  out.memory = m;
  log(`${sys.name} memory: ${m.sockets} idle sockets, ${fmt(m.rssBytesPerSocket / 1024)} KiB RSS and ${fmt(m.heapBytesPerSocket / 1024)} KiB heap per socket (connected in ${fmt(m.connectSeconds)} s)`);
}

async function fanoutOf(sys: System, workers: LoadWorker[], watched: Watched, out: SystemResult, r: number): Promise<void> {
  const run = () => fanoutPhase(sys, workers, settings, watched, r);
  let f: Awaited<ReturnType<typeof fanoutPhase>>;
  // R = 100, the target's room size: a profile of pod a, to compare the per-recipient work with bare's
  // (it covers the phase's setup too: connecting and settling, about a third of it).
  if (profile && r === 100) {
    mkdirSync(join(resultsDir, 'bench-profiles'), { recursive: true });
    const p = await profiled(sys, join(resultsDir, 'bench-profiles', `${sys.name}-a-fanout-100.cpuprofile`), run);
    f = p.value;
    out.fanoutHotSpots = p.hotSpots;
  } else f = await run();
  out.fanout[String(r)] = f;
  const st = f.setup;
  const setup = `setup ${fmt(f.setupSeconds)} s: room ${fmt(st.roomSeconds)}, connect ${fmt(st.connectSeconds)}, settle ${fmt(st.settleSeconds)}${f.settled ? '' : ', NOT quiet when measuring began'}`;
  log(phaseLine(`${sys.name} fan-out R=${r} (${setup})`, f));
}

/** Set on SIGINT/SIGTERM: what is still running fails (its processes are gone) and is not reported. */
let interrupted = false;

/** A phase and the chat's group commits during it (warm-up included), from its pods' /metrics. */
async function withBatches<T>(sys: System, phase: () => Promise<T>): Promise<{ figures: T; batches?: BatchFigures }> {
  const urls = sys.pods.map((p) => p.metricsUrl);
  const before = await readBatchTotals(urls).catch(() => undefined);
  const t0 = performance.now();
  const figures = await phase();
  const after = before && (await readBatchTotals(urls).catch(() => undefined));
  return { figures, batches: before && after ? batchFigures(before, after, (performance.now() - t0) / 1000) : undefined };
}

const batchNote = (b: BatchFigures | undefined) => (b ? `; group commits ${fmt(b.perSec)}/s, ${fmt(b.meanSize)} sends each` : '');

/** The chat's own database, for the commit probe during its latency phase. */
let chatDatabaseUrl: string | undefined;

async function sendsAndLatency(sys: System, workers: LoadWorker[], watched: Watched, out: SystemResult): Promise<void> {
  const name = sys.name;
  const set = await openRoomSet(sys, workers, settings, watched);
  const sends = await withBatches(sys, () => sendsPhase(set, workers, settings, watched, `${name}-sends`));
  out.sends = sends.figures;
  out.sendsBatches = sends.batches;
  log(phaseLine(`${name} sends (${settings.rooms} rooms, ${settings.rooms * settings.sendersPerRoom} senders)`, out.sends) + batchNote(sends.batches));
  if (profile) {
    mkdirSync(join(resultsDir, 'bench-profiles'), { recursive: true });
    const file = join(resultsDir, 'bench-profiles', `${name}-a-sends.cpuprofile`);
    out.hotSpots = (await profiled(sys, file, () => sendsPhase(set, workers, { ...settings, warmupMs: 500 }, watched, `${name}-prof`, 4000))).hotSpots;
    log(`${name} CPU profile of pod a during sends: ${file}`);
  }
  if (phases.has('latency')) {
    // BENCH_LATENCY_RATE: a fixed rate instead of half the measured capacity (e.g. 10/s: light load).
    const rate = env.BENCH_LATENCY_RATE ? num('BENCH_LATENCY_RATE', 10) : Math.max(1, Math.round(out.sends.sendsPerSec / 2));
    const probe = sys.name === 'chat' && chatDatabaseUrl ? await startCommitProbe(chatDatabaseUrl) : undefined;
    let commitProbe: Summary | undefined;
    try {
      const { figures: lat, batches } = await withBatches(sys, () => latencyPhase(set, workers, settings, watched, `${name}-lat`, rate));
      out.latency = { ...lat, targetRate: rate, batches };
      log(phaseLine(`${name} latency @ ${rate} sends/s`, lat) + batchNote(batches));
    } finally {
      commitProbe = await probe?.stop();
    }
    if (out.latency && commitProbe) {
      out.latency.commitProbe = commitProbe;
      log(`${name} latency window: PostgreSQL one-row commits (a probe every 20 ms) p50 ${fmt(commitProbe.p50)} p99 ${fmt(commitProbe.p99)} max ${fmt(commitProbe.max)} ms`);
    }
  }
  await closeSockets(workers);
  await settle(watched);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const load0 = loadavg();
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${load0.map((x) => x.toFixed(2)).join(' ')}; node ${process.version}`);
  log(`clients (${clientProcs} processes) and servers share the same cores: every figure is for the whole machine`);
  mkdirSync(resultsDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  // Ctrl-C or a kill: every process by its PID at once, then the databases (bounded, so we do exit).
  const onSignal = () => {
    interrupted = true;
    log('interrupted: stopping every process the bench started, dropping its databases');
    killAllStarted();
    const drops = Promise.allSettled([...cleanups].reverse().map((c) => c()));
    void Promise.race([drops, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let bare: SystemResult | undefined;
  let chat: SystemResult | undefined;
  /** Centrifugo: a fan-out peer (fan-out phase only). */
  let centrifugo: SystemResult | undefined;
  let raw: RawResult | undefined;
  const notes: string[] = [];
  const workers = Array.from({ length: clientProcs }, (_, i) => new LoadWorker(i));
  let redis: TestServer | undefined;
  try {
    redis = await startRedisServer();
    const redisPid = redis.pid;
    trackPid(redisPid);
    cleanups.push(() => (redis as TestServer).stop().finally(() => untrackPid(redisPid)));
    let current: System | undefined;
    let rawDb: string | undefined;
    let chatDb: string | undefined;
    const watched: Watched = {
      servers: () => (current?.pods ?? []).map((p) => p.child.pid as number),
      clients: () => workers.map((w) => w.child.pid as number),
      redis: () => (redisPid ? [redisPid] : []),
      database: () => chatDb,
    };
    log(`own redis-server at ${redis.url} (the machine's :6379 is shared with other test runs)`);

    // Both systems run from the start and are measured phase by phase, one right after the other (the
    // raw-insert ceiling right before the chat's sends), so the machine's noise (other people's jobs on
    // the same two cores) drifts as little as possible between a figure and its ceiling. The idle
    // system costs next to nothing meanwhile; their Redis keys differ (the chat's adapter key is its own).
    const systems: { sys: System; out: SystemResult }[] = [];
    if (only.has('bare')) {
      const sys = await startBare(redis.url);
      cleanups.push(() => sys.stop());
      bare = { fanout: {} };
      systems.push({ sys, out: bare });
    }
    // Centrifugo takes part in the fan-out phase only; without its binary (install.sh builds it) it sits out.
    let peer: { sys: System; out: SystemResult } | undefined;
    const centrifugoBin = centrifugoBinary(env);
    if (only.has('centrifugo') && phases.has('fanout') && !existsSync(centrifugoBin)) {
      notes.push(`centrifugo not measured: ${centrifugoBin} does not exist (bash hack/tools/install.sh centrifugo builds it)`);
      log(`centrifugo skipped: no ${centrifugoBin}`);
    } else if (only.has('centrifugo') && phases.has('fanout')) {
      try {
        const sys = await startCentrifugo(centrifugoBin, redis.url);
        cleanups.push(() => sys.stop());
        centrifugo = { fanout: {} };
        peer = { sys, out: centrifugo };
        log(`centrifugo: ${sys.pods.map((p) => `${p.name} at ${p.url}`).join(', ')} (redis engine on the bench's redis-server)`);
      } catch (e) {
        centrifugo = { fanout: {}, error: `start: ${String((e as Error).stack ?? e)}` };
        log(`centrifugo failed to start: ${String(e)}`);
      }
    }
    const chatMain = join(root, 'services/chat/dist/src/main.js');
    if (only.has('chat') && !existsSync(chatMain)) notes.push(`chat not measured: ${chatMain} does not exist (build services/chat first)`);
    else if (only.has('chat')) {
      const issuer = new TestIssuer();
      await issuer.start();
      cleanups.push(() => issuer.stop());
      const db: TestDatabase = await createTestDatabase('bench_chat');
      chatDb = db.name;
      chatDatabaseUrl = db.url;
      cleanups.push(() => db.drop());
      const nats = await startNatsServer();
      trackPid(nats.pid);
      cleanups.push(() => nats.stop().finally(() => untrackPid(nats.pid)));
      const extra = Object.fromEntries((env.BENCH_CHAT_ENV ?? '').split(/[ ,]+/).filter(Boolean).map((kv) => kv.split('=', 2) as [string, string]));
      const chatStart = startChat({
        script: chatMain,
        issuer,
        databaseUrl: db.url,
        env: {
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          DATABASE_URL: db.url,
          DATABASE_POOL_SIZE: String(chatPool),
          REDIS_URL: redis.url,
          NATS_URL: nats.url,
          JWKS_URL: issuer.jwksUrl,
          JWT_ISSUER: issuer.issuer,
          JWT_AUDIENCE: issuer.audience,
          SHUTDOWN_TIMEOUT_MS: '5000',
          ...CHAT_LIMITS,
          ...extra,
        },
      });
      try {
        const sys = await chatStart;
        cleanups.push(() => sys.stop());
        chat = { fanout: {} };
        systems.push({ sys, out: chat });
      } catch (e) {
        // A pod that did start is in procs' list and is killed at the end.
        chat = { fanout: {}, error: `start: ${String((e as Error).stack ?? e)}` };
        log(`chat failed to start: ${String(e)}`);
      }
    }

    /** One phase of one system; a failure is recorded and that system sits out the rest. */
    const step = async (e: { sys: System; out: SystemResult }, what: string, fn: () => Promise<void>) => {
      if (e.out.error || interrupted) return;
      current = e.sys;
      try {
        await fn();
      } catch (err) {
        if (interrupted) return;
        e.out.error = `${what}: ${String((err as Error).stack ?? err)}`;
        log(`${e.sys.name} ${what} failed: ${String(err)}`);
        if (e.sys.name !== 'bare') for (const p of e.sys.pods) log(`${p.name} output tail: ${p.output().slice(-1500)}`);
        await closeSockets(workers).catch(() => undefined);
      } finally {
        current = undefined;
      }
    };
    const runRaw = async () => {
      if (interrupted) return;
      const rawRes = await rawInsertCeiling({
        chatDist: join(root, 'services/chat/dist'),
        rooms: settings.rooms,
        concurrency: settings.rooms * settings.sendersPerRoom,
        connections: 2 * chatPool,
        warmupMs: settings.warmupMs,
        measureMs: settings.measureMs,
        bodyChars: settings.bodyChars,
        log,
        watched: { servers: () => [], clients: () => [process.pid], redis: () => [], database: () => rawDb },
        onDatabase: (db) => {
          rawDb = db.name;
          cleanups.push(() => db.drop());
        },
      });
      raw = { insert: rawRes.insert, seqTx: rawRes.seqTx };
      for (const v of [raw.insert, raw.seqTx]) {
        log(`raw pg ${v.variant}: ${fmt(v.insertsPerSec)}/s, latency p50 ${fmt(v.latency.p50)} p99 ${fmt(v.latency.p99)} ms (${v.concurrency} loops, ${v.connections} connections, ${v.errors} errors; ${v.schema})${v.cpu ? `; cpu/s: pg ${v.cpu.postgres.toFixed(2)} client ${v.cpu.clients.toFixed(2)} others ${v.cpu.others.toFixed(2)}` : ''}`);
      }
    };

    if (phases.has('memory')) {
      for (const e of systems) await step(e, 'memory', () => memoryOf(e.sys, workers, watched, e.out));
    }
    if (phases.has('sends')) {
      for (const e of systems.filter((x) => x.sys.name === 'bare')) await step(e, 'sends', () => sendsAndLatency(e.sys, workers, watched, e.out));
      if (only.has('raw')) await runRaw();
      for (const e of systems.filter((x) => x.sys.name === 'chat')) await step(e, 'sends', () => sendsAndLatency(e.sys, workers, watched, e.out));
    } else if (only.has('raw')) await runRaw();
    if (phases.has('fanout')) {
      // Centrifugo right after bare for each R: the two ceilings side by side, then the chat.
      const order = [...systems.filter((x) => x.sys.name === 'bare'), ...(peer ? [peer] : []), ...systems.filter((x) => x.sys.name !== 'bare')];
      for (const r of settings.fanoutSizes) {
        for (const e of order) await step(e, `fan-out R=${r}`, () => fanoutOf(e.sys, workers, watched, e.out, r));
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.exit()));
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${String(e)}`));
    killAllStarted();
  }

  // Interrupted: no table and no bench.json (a partial one would replace the last complete run's).
  if (interrupted) return;
  const t = resultsTable(bare, chat, raw, settings.fanoutSizes, centrifugo);
  const load1 = loadavg();
  const seconds = (Date.now() - t0) / 1000;
  console.log('');
  console.log(t.text);
  console.log('');
  for (const [name, r] of [['chat', chat], ['bare', bare]] as const) {
    if (!r?.hotSpots) continue;
    console.log(`${name} pod a, CPU during sends by package (native/node-core time charged to the calling package): ${r.hotSpots.byPackageCharged.slice(0, 9).map((h) => `${h.name} ${(h.share * 100).toFixed(0)} %`).join(', ')}`);
  }
  for (const [name, r] of [['chat', chat], ['bare', bare]] as const) {
    if (!r?.fanoutHotSpots) continue;
    console.log(`${name} pod a, CPU during fan-out R=100 by package (charged): ${r.fanoutHotSpots.byPackageCharged.slice(0, 9).map((h) => `${h.name} ${(h.share * 100).toFixed(0)} %`).join(', ')}`);
  }
  if (chat?.hotSpots) {
    console.log('chat pod a, top functions by self time:');
    for (const h of chat.hotSpots.top.slice(0, 12)) console.log(`  ${(h.share * 100).toFixed(1).padStart(5)} %  ${h.name}`);
  }
  for (const [name, r] of [['chat', chat], ['bare', bare], ['centrifugo', centrifugo]] as const) {
    for (const [size, f] of Object.entries(r?.fanout ?? {})) {
      if (!f.settled) notes.push(`${name} fan-out R=${size}: the servers were still busy with what connecting set off (presence to every member) when measuring began; its deliveries/s are low`);
    }
  }
  if (chat) notes.push(`chat ran with ${Object.entries(CHAT_LIMITS).map(([k, v]) => `${k}=${v}`).join(' ')}: the per-user token bucket still runs on every send, its limit is lifted so a few senders can load the service`);
  for (const n of notes) console.log(`note: ${n}`);
  if (bare?.error) console.log(`bare error: ${bare.error.split('\n')[0]}`);
  if (chat?.error) console.log(`chat error: ${chat.error.split('\n')[0]}`);
  if (centrifugo?.error) console.log(`centrifugo error: ${centrifugo.error.split('\n')[0]}`);
  console.log(
    `load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${load1.map((x) => x.toFixed(2)).join(' ')} at end; ${cpus().length} cores shared by servers, ${clientProcs} client processes, Redis and PostgreSQL; ${seconds.toFixed(0)} s`,
  );
  const json = {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, model: cpus()[0]?.model, node: process.version, loadAvgStart: load0, loadAvgEnd: load1 },
    settings: { ...settings, log: undefined, clientProcs, chatPool },
    seconds,
    verdicts: t.verdicts,
    table: t.rows,
    raw,
    bare,
    chat,
    centrifugo,
    notes,
  };
  writeFileSync(join(resultsDir, 'bench.json'), JSON.stringify(json, (_k, v: unknown) => (v instanceof Float64Array ? undefined : v), 2));
  console.log(`wrote ${join(resultsDir, 'bench.json')}`);
  if (chat?.error || bare?.error || centrifugo?.error) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  killAllStarted();
  process.exit(1);
});
