import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgreementInput, decideAgreement, RESET_INTERVAL_MS, topologyMaster } from './decide';
import type { RedisObservation, SentinelMonitor, SentinelObservation } from './observation';

// Pods r0..r2 announce `rN.h:6379`; sentinels s0..s2.
const host = (i: number) => `r${i}.h`;
const master = (i: number, o: { offset?: number; keys?: number } = {}): RedisObservation => ({
  name: `r${i}`, addresses: [`${host(i)}:6379`, `10.0.0.${i}:6379`], reachable: true, info: { role: 'master', offset: o.offset ?? 100, keys: o.keys ?? 5 },
});
const replica = (i: number, of: number, linkUp = true): RedisObservation => ({
  name: `r${i}`, addresses: [`${host(i)}:6379`], reachable: true, info: { role: 'replica', masterHost: host(of), masterPort: 6379, linkUp, offset: 100, keys: 5 },
});
const fresh = (i: number): RedisObservation => ({ name: `r${i}`, addresses: [`${host(i)}:6379`], reachable: true, info: { role: 'master', offset: 0, keys: 0 } });
const down = (i: number): RedisObservation => ({ name: `r${i}`, addresses: [`${host(i)}:6379`], reachable: false });
const mon = (m: number, o: Partial<SentinelMonitor> = {}): SentinelMonitor => ({
  host: host(m), port: 6379, configEpoch: 0, failoverInProgress: false, masterDown: false, knownReplicas: 2, knownSentinels: 2, quorum: 2, downAfterMs: 5000, failoverTimeoutMs: 30_000, ...o,
});
const sees = (i: number, m: number, o: Partial<SentinelMonitor> = {}): SentinelObservation => ({ name: `s${i}`, reachable: true, monitor: mon(m, o) });
const empty = (i: number): SentinelObservation => ({ name: `s${i}`, reachable: true });
const gone = (i: number): SentinelObservation => ({ name: `s${i}`, reachable: false });

const input = (redis: RedisObservation[], sentinelViews: SentinelObservation[], o: Partial<AgreementInput> = {}): AgreementInput => ({
  quorum: 2, sentinels: 3, replicas: 3, timings: { downAfterMs: 5000, failoverTimeoutMs: 30_000 }, bootstrapPod: 'r0',
  redis, sentinelViews, claimingSince: {}, now: 100_000, claimGraceMs: 3000, ...o,
});
const healthy = () => [master(0), replica(1, 0), replica(2, 0)];

describe('the Sentinel agreement', () => {
  it('all Sentinels name one master: it is followed, nothing to do, no disagreement', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), sees(1, 0), sees(2, 0)]));
    assert.equal(a.master, 'r0');
    assert.equal(a.source, 'sentinels');
    assert.deepEqual(a.actions, []);
    assert.equal(a.disagreement, undefined);
    assert.deepEqual(a.views[0], { name: 's0', reachable: true, master: 'r0.h:6379', masterPod: 'r0', configEpoch: 0, failoverInProgress: false, knownReplicas: 2, knownSentinels: 2 });
  });

  it('after a failover the quorum names the new master: the labels follow it even while one Sentinel lags, and the disagreement is reported', () => {
    const a = decideAgreement(input([down(0), master(1), replica(2, 1)], [sees(0, 1, { configEpoch: 1 }), sees(1, 1, { configEpoch: 1 }), sees(2, 0)]));
    assert.equal(a.master, 'r1');
    assert.equal(a.disagreement?.reason, 'DifferentMasters');
    assert.match(a.disagreement!.message, /s0: r1 \(epoch 1\); s1: r1 \(epoch 1\); s2: r0 \(epoch 0\)/);
  });

  it('no master has a quorum (1 vs 1, one unreachable): follows none and says so with the views, never guesses', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), sees(1, 1), gone(2)]));
    assert.equal(a.master, undefined);
    assert.deepEqual(a.actions, []);
    assert.equal(a.disagreement?.reason, 'DifferentMasters');
    assert.match(a.disagreement!.message, /s0: r0 \(epoch 0\); s1: r1 \(epoch 0\); s2: unreachable/);
    assert.match(a.waits[0]!, /no master has a quorum of 2 Sentinels/);
  });

  it('a quorum of 1 with a tie is still no agreement', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0, { quorum: 1 }), sees(1, 1, { quorum: 1 })], { quorum: 1, sentinels: 2 }));
    assert.equal(a.master, undefined);
  });

  it('a stopped Sentinel: the master is still followed, SentinelUnreachable lists the views', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), sees(1, 0), gone(2)]));
    assert.equal(a.master, 'r0');
    assert.equal(a.disagreement?.reason, 'SentinelUnreachable');
    assert.match(a.disagreement!.message, /s2: unreachable/);
    assert.deepEqual(a.actions, []);
  });

  it('a Sentinel that lost its state is re-seeded with the agreed master', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), empty(1), sees(2, 0)]));
    assert.equal(a.master, 'r0');
    assert.deepEqual(a.actions, [{ kind: 'monitor', sentinel: 's1', master: 'r0', host: 'r0.h', port: 6379, reason: 'reseed' }]);
    assert.equal(a.disagreement?.reason, 'SentinelLostState');
  });

  it('nothing is re-seeded or re-pointed while a failover is in progress', () => {
    const a = decideAgreement(input([down(0), master(1), replica(2, 0)], [sees(0, 0, { failoverInProgress: true }), sees(1, 0), empty(2)], { claimingSince: { r1: 0 } }));
    assert.equal(a.failoverInProgress, true);
    assert.deepEqual(a.actions, []);
    assert.match(a.waits[0]!, /failover is in progress/);
  });

  it('every Sentinel lost its state but the Redis pods agree (one master, its replicas): the Sentinels adopt it', () => {
    const a = decideAgreement(input([replica(0, 2), replica(1, 2), master(2)], [empty(0), empty(1), empty(2)]));
    assert.equal(a.master, 'r2');
    assert.equal(a.source, 'topology');
    assert.deepEqual(a.actions.map((x) => [x.kind, 'sentinel' in x ? x.sentinel : '', 'reason' in x ? x.reason : '']), [
      ['monitor', 's0', 'adopt'], ['monitor', 's1', 'adopt'], ['monitor', 's2', 'adopt'],
    ]);
  });

  it('one Sentinel below the quorum names the master the Redis pods agree on: the others are seeded with it', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), empty(1), empty(2)]));
    assert.equal(a.master, 'r0');
    assert.deepEqual(a.actions.map((x) => x.kind), ['monitor', 'monitor']);
  });

  it('...but not when that Sentinel names a pod the Redis pods do not agree on', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 1), empty(1), empty(2)]));
    assert.equal(a.master, undefined);
    assert.equal(a.disagreement?.reason, 'NoQuorum');
  });

  it('a fresh set (every Sentinel empty, every Redis an empty master): bootstrap on -0, replicas first, then the Sentinels', () => {
    const a = decideAgreement(input([fresh(0), fresh(1), fresh(2)], [empty(0), empty(1), empty(2)]));
    assert.equal(a.master, 'r0');
    assert.equal(a.source, 'bootstrap');
    assert.deepEqual(a.actions, [
      { kind: 'replicaof', pod: 'r1', master: 'r0', host: 'r0.h', port: 6379, reason: 'bootstrap' },
      { kind: 'replicaof', pod: 'r2', master: 'r0', host: 'r0.h', port: 6379, reason: 'bootstrap' },
      { kind: 'monitor', sentinel: 's0', master: 'r0', host: 'r0.h', port: 6379, reason: 'bootstrap' },
      { kind: 'monitor', sentinel: 's1', master: 'r0', host: 'r0.h', port: 6379, reason: 'bootstrap' },
      { kind: 'monitor', sentinel: 's2', master: 'r0', host: 'r0.h', port: 6379, reason: 'bootstrap' },
    ]);
  });

  it('no bootstrap until every Sentinel and every Redis pod answers', () => {
    assert.deepEqual(decideAgreement(input([fresh(0), fresh(1), fresh(2)], [empty(0), empty(1), gone(2)])).actions, []);
    const a = decideAgreement(input([fresh(0), fresh(1), down(2)], [empty(0), empty(1), empty(2)]));
    assert.deepEqual(a.actions, []);
    assert.match(a.waits[0]!, /waiting for every Redis pod/);
  });

  it('no Sentinel knows a master and two Redis pods claim master with data: waits, Degraded, never picks one', () => {
    const a = decideAgreement(input([master(0), master(1), fresh(2)], [empty(0), empty(1), empty(2)]));
    assert.equal(a.master, undefined);
    assert.deepEqual(a.actions, []);
    assert.match(a.waits[0]!, /masters: r0 \(with data\), r1 \(with data\), r2/);
    assert.equal(a.disagreement?.reason, 'NoQuorum');
  });

  it('a returning old master is pointed at the agreed master once its claim outlasts the grace, and only when the master serves', () => {
    const world = [master(0), master(1), replica(2, 1)];
    const views = [sees(0, 1), sees(1, 1), sees(2, 1)];
    const first = decideAgreement(input(world, views));
    assert.deepEqual(first.claimants, ['r0']);
    assert.deepEqual(first.actions, [], 'the claim was just seen: Sentinel gets the first chance');
    const later = decideAgreement(input(world, views, { claimingSince: { r0: 100_000 - 3000 } }));
    assert.deepEqual(later.actions, [{ kind: 'replicaof', pod: 'r0', master: 'r1', host: 'r1.h', port: 6379, reason: 'r0 claims master while the Sentinels agree on r1' }]);
    const masterDown = decideAgreement(input([master(0), down(1), replica(2, 1)], views, { claimingSince: { r0: 0 } }));
    assert.deepEqual(masterDown.actions, []);
    assert.match(masterDown.waits[0]!, /r1 does not answer as master/);
  });

  it('the Sentinels agree on an address of no pod: followed by nobody, UnknownMaster', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 7), sees(1, 7), sees(2, 7)]));
    assert.equal(a.master, undefined);
    assert.equal(a.disagreement?.reason, 'UnknownMaster');
  });

  it('quorum or timings changed in the spec: SENTINEL SET on the Sentinels that differ', () => {
    const a = decideAgreement(input(healthy(), [sees(0, 0), sees(1, 0, { quorum: 3, downAfterMs: 1000 }), sees(2, 0)]));
    assert.deepEqual(a.actions, [{ kind: 'configure', sentinel: 's1', settings: { quorum: 2, downAfterMs: 5000 } }]);
  });

  it('a Sentinel counting Sentinels or replicas that are gone is reset, one at a time and not too often', () => {
    const views = [sees(0, 0, { knownSentinels: 3 }), sees(1, 0, { knownReplicas: 4 }), sees(2, 0)];
    assert.deepEqual(decideAgreement(input(healthy(), views)).actions.map((x) => [x.kind, 'sentinel' in x && x.sentinel]), [['reset', 's0']]);
    assert.deepEqual(decideAgreement(input(healthy(), views, { lastResetAt: 100_000 - 1000 })).actions, []);
    assert.equal(decideAgreement(input(healthy(), views, { lastResetAt: 100_000 - RESET_INTERVAL_MS })).actions.length, 1);
    assert.deepEqual(decideAgreement(input(healthy(), [views[0]!, views[1]!, gone(2)])).actions, [], 'not while a Sentinel is missing');
  });

  it('topology: a stray replica following another pod makes it ambiguous', () => {
    assert.equal(topologyMaster([master(0), replica(1, 0), replica(2, 1)]), undefined);
    assert.equal(topologyMaster([master(0), replica(1, 0), fresh(2)])?.name, 'r0');
    assert.equal(topologyMaster([fresh(0), fresh(1)]), undefined);
  });
});
