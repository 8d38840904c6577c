import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withConnection } from './connection';
import { type LoopbackSet, startLoopbackSet } from './loopback-set';
import { type PassMemory, type PassResult, newPassMemory, sentinelPass } from './pass';

// The operator's read + agreement + act code driving REAL redis-server and redis-sentinel processes on
// loopback (the machine's Redis 7.0): bootstrap, a master kill and Sentinel's failover followed, a
// stopped Sentinel reported with the views and cleared when it is back, a Sentinel that lost its
// state re-seeded. Nothing here fakes Redis.

describe('the Sentinel agreement on real Redis and Sentinel processes', { timeout: 240_000 }, () => {
  let set: LoopbackSet;
  const memory: PassMemory = newPassMemory();
  const log: string[] = [];

  /** Runs passes (as the reconciler does, every 250 ms here) until `done` says yes. */
  const until = async (what: string, done: (r: PassResult) => boolean | string, timeoutMs = 30_000): Promise<PassResult> => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const r = await sentinelPass(set.watch, memory, { claimGraceMs: 1000 });
      for (const x of r.results) log.push(`${x.action.kind} ${JSON.stringify(x.action)}${x.error ? ` ERROR ${x.error}` : ''}`);
      const ok = done(r);
      if (ok === true) return r;
      last = typeof ok === 'string' ? ok : JSON.stringify({ master: r.agreement.master, d: r.agreement.disagreement, w: r.agreement.waits });
      if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms; last: ${last}\nactions: ${log.slice(-10).join('\n')}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  };
  const client = (name: string) => {
    const r = set.watch.redis.find((x) => x.name === name)!;
    return <T>(fn: (c: import('ioredis').default) => Promise<T>) => withConnection(r, set.password, fn);
  };
  const everyoneAgreesOn = (r: PassResult, master: string) =>
    r.agreement.master === master && !r.agreement.disagreement && r.sentinels.every((s) => s.monitor && s.monitor.knownSentinels === 2)
      ? true
      : JSON.stringify({ master: r.agreement.master, d: r.agreement.disagreement?.message, w: r.agreement.waits[0] });

  before(async () => {
    set = await startLoopbackSet({ downAfterMs: 1000, failoverTimeoutMs: 5000 });
  });
  after(async () => {
    await set?.stop();
  });

  it('bootstraps a fresh set: -0 master, the others its replicas, every Sentinel seeded and aware of the others', async () => {
    const first = await sentinelPass(set.watch, memory, { act: false });
    assert.equal(first.agreement.source, 'bootstrap');
    assert.deepEqual(first.sentinels.map((s) => s.monitor), [undefined, undefined, undefined], 'the Sentinels start monitoring nothing');
    const r = await until('bootstrapped', (x) => everyoneAgreesOn(x, 'r0'));
    assert.equal(r.agreement.source, 'sentinels');
    assert.deepEqual(r.redis.map((x) => x.info?.role), ['master', 'replica', 'replica']);
    await client('r0')((c) => c.set('greeting', 'hello'));
    await until('replicated', () => true);
    await until('the key on a replica', (x) => (x.redis[1]!.info!.linkUp && x.redis[1]!.info!.keys === 1 ? true : 'not yet'));
    assert.equal(await client('r1')((c) => c.get('greeting')), 'hello');
    assert.deepEqual(r.sentinels.map((s) => [s.monitor!.quorum, s.monitor!.downAfterMs, s.monitor!.failoverTimeoutMs]), [[2, 1000, 5000], [2, 1000, 5000], [2, 1000, 5000]]);
  });

  it('a SIGKILLed master: the Sentinels elect another, the reading follows, the old master returns as a replica', async (t) => {
    const t0 = Date.now();
    await set.redis[0]!.kill();
    const r = await until('a new master', (x) => (x.agreement.master && x.agreement.master !== 'r0' && x.agreement.source === 'sentinels' && !x.agreement.failoverInProgress ? true : 'no'), 20_000);
    const seconds = (Date.now() - t0) / 1000;
    t.diagnostic(`master kill -> new master ${r.agreement.master} followed after ${seconds.toFixed(1)} s`);
    assert.ok(seconds < 10, `a new master within 10 s (took ${seconds})`);
    const elected = r.agreement.master!;
    assert.equal(r.redis.find((x) => x.name === elected)!.info!.role, 'master');
    await set.redis[0]!.start(); // back, empty, claiming master (its config names no master)
    await until('r0 a replica of the new master', (x) => {
      const r0 = x.redis[0]!;
      return r0.info?.role === 'replica' && r0.info.masterPort === set.watch.redis.find((y) => y.name === elected)!.port && x.agreement.master === elected ? true : JSON.stringify(r0.info);
    });
  });

  it('a stopped Sentinel is reported with every view; the others still fail over; it agrees again when back', async () => {
    const before = (await until('steady', (x) => (x.agreement.master && !x.agreement.disagreement ? true : 'no'))).agreement.master!;
    set.sentinels[2]!.signal('SIGSTOP');
    const seen = await until('the disagreement reported', (x) => x.agreement.disagreement?.reason === 'SentinelUnreachable');
    assert.match(seen.agreement.disagreement!.message, new RegExp(`s0: ${before} \\(epoch \\d+\\); s1: ${before} \\(epoch \\d+\\); s2: unreachable`));
    assert.equal(seen.agreement.master, before, 'two of three still name the master: it is followed');
    await set.redis.find((p) => p.name === before)!.kill();
    const moved = await until('the two Sentinels fail over', (x) => (x.agreement.master && x.agreement.master !== before && !x.agreement.failoverInProgress ? true : 'no'), 20_000);
    assert.equal(moved.agreement.disagreement?.reason, 'SentinelUnreachable');
    set.sentinels[2]!.signal('SIGCONT');
    const healed = await until('healed', (x) => everyoneAgreesOn(x, moved.agreement.master!), 30_000);
    assert.equal(healed.agreement.views[2]!.masterPod, moved.agreement.master);
    await set.redis.find((p) => p.name === before)!.start();
  });

  it('a Sentinel restarted with an empty config is re-seeded with the master the quorum agrees on', async () => {
    const steady = await until('steady', (x) => (x.agreement.master && !x.agreement.disagreement ? true : 'no'));
    const master = steady.agreement.master!;
    await set.sentinels[1]!.kill();
    await set.sentinels[1]!.start(true);
    const r = await until('re-seeded', (x) => x.results.some((a) => a.action.kind === 'monitor' && a.action.sentinel === 's1' && !a.error) || 'no');
    assert.equal(r.agreement.disagreement?.reason, 'SentinelLostState');
    assert.deepEqual(r.agreement.actions.filter((a) => a.kind === 'monitor'), [{ kind: 'monitor', sentinel: 's1', master, host: '127.0.0.1', port: set.watch.redis.find((x) => x.name === master)!.port, reason: 'reseed' }]);
    const healed = await until('every Sentinel agrees again', (x) => everyoneAgreesOn(x, master), 30_000);
    assert.equal(healed.sentinels[1]!.monitor!.downAfterMs, 1000, 'seeded with the timings');
  });
});
