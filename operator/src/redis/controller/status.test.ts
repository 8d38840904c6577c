import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RedisSentinel, RedisSentinelSpec } from '../api/redis-sentinel';
import { decideAgreement } from '../agreement/decide';
import type { RedisObservation, SentinelObservation } from '../agreement/observation';
import type { PassResult } from '../live/pass';
import { computeRedisStatus } from './status';

const rs = (status = {}): RedisSentinel => ({
  apiVersion: 'data.converge.io/v1alpha1', kind: 'RedisSentinel', metadata: { name: 'c', namespace: 'db', uid: 'u', generation: 4 }, spec: RedisSentinelSpec.parse({}), status,
});
const m = (i: number): RedisObservation => ({ name: `c-redis-${i}`, addresses: [`h${i}:6379`], reachable: true, info: { role: 'master', offset: 10, keys: 1 } });
const r = (i: number, of: number, linkUp = true): RedisObservation => ({ name: `c-redis-${i}`, addresses: [`h${i}:6379`], reachable: true, info: { role: 'replica', masterHost: `h${of}`, masterPort: 6379, linkUp, offset: 10, keys: 1 } });
const s = (i: number, of: number | null): SentinelObservation => (of === null ? { name: `c-sentinel-${i}`, reachable: false } : {
  name: `c-sentinel-${i}`, reachable: true, monitor: { host: `h${of}`, port: 6379, configEpoch: 1, failoverInProgress: false, masterDown: false, knownReplicas: 2, knownSentinels: 2, quorum: 2, downAfterMs: 5000, failoverTimeoutMs: 30_000 },
});
const pass = (redis: RedisObservation[], sentinels: SentinelObservation[]): PassResult => ({
  redis, sentinels, results: [],
  agreement: decideAgreement({ quorum: 2, sentinels: 3, replicas: 3, timings: { downAfterMs: 5000, failoverTimeoutMs: 30_000 }, bootstrapPod: 'c-redis-0', redis, sentinelViews: sentinels, claimingSince: {}, now: 0, claimGraceMs: 3000 }),
});
const ready = { 'c-redis-0': true, 'c-redis-1': true, 'c-redis-2': true };
const cond = (st: any, type: string) => st.conditions.find((c: any) => c.type === type);

describe('RedisSentinel status', () => {
  it('healthy: Ready, master recorded, per-pod role/link/offset, every Sentinel view', () => {
    const st = computeRedisStatus({ r: rs(), pass: pass([m(0), r(1, 0), r(2, 0)], [s(0, 0), s(1, 0), s(2, 0)]), podReady: ready, scaling: false, now: 'T1' });
    assert.equal(st.phase, 'Healthy');
    assert.equal(st.currentMaster, 'c-redis-0');
    assert.equal(st.readyReplicas, 3);
    assert.equal(st.readySentinels, 3);
    assert.equal(st.observedGeneration, 4);
    assert.deepEqual(st.pods![1], { name: 'c-redis-1', role: 'replica', ready: true, offset: 10, link: 'up', following: 'h0:6379' });
    assert.equal(cond(st, 'Ready').status, 'True');
    assert.equal(cond(st, 'SentinelsDisagree').status, 'False');
    assert.deepEqual(st.lastMasterChange, { to: 'c-redis-0', at: 'T1' });
  });

  it('a Sentinel down and a replica unlinked: Degraded and SentinelsDisagree say which, the master still served', () => {
    const st = computeRedisStatus({ r: rs({ currentMaster: 'c-redis-0' }), pass: pass([m(0), r(1, 0, false), r(2, 0)], [s(0, 0), s(1, 0), s(2, null)]), podReady: ready, scaling: false, now: 'T2' });
    assert.equal(st.phase, 'Degraded');
    assert.match(cond(st, 'Degraded').message, /replication link down: c-redis-1; Sentinels not answering: c-sentinel-2/);
    assert.equal(cond(st, 'SentinelsDisagree').status, 'True');
    assert.equal(cond(st, 'SentinelsDisagree').reason, 'SentinelUnreachable');
    assert.equal(cond(st, 'Ready').reason, 'NotAllReady');
  });

  it('no quorum: the last master stays recorded, never a guess; Unavailable', () => {
    const st = computeRedisStatus({ r: rs({ currentMaster: 'c-redis-0' }), pass: pass([m(0), m(1), r(2, 0)], [s(0, 0), s(1, 1), s(2, null)]), podReady: ready, scaling: false, now: 'T3' });
    assert.equal(st.currentMaster, 'c-redis-0');
    assert.equal(st.phase, 'Unavailable');
    assert.equal(cond(st, 'SentinelsDisagree').reason, 'DifferentMasters');
    assert.equal(cond(st, 'Ready').reason, 'NoMaster');
  });

  it('the master moved: lastMasterChange from → to; the same world twice gives the same status', () => {
    const input = { r: rs({ currentMaster: 'c-redis-0' }), pass: pass([m(1), r(0, 1), r(2, 1)], [s(0, 1), s(1, 1), s(2, 1)]), podReady: ready, scaling: false, now: 'T4' };
    const st = computeRedisStatus(input);
    assert.deepEqual(st.lastMasterChange, { from: 'c-redis-0', to: 'c-redis-1', at: 'T4' });
    const again = computeRedisStatus({ ...input, r: rs(st), now: 'T5' });
    assert.deepEqual(again, st);
  });

  it('nothing read yet: Pending, Progressing', () => {
    const st = computeRedisStatus({ r: rs(), podReady: {}, scaling: true, now: 'T0' });
    assert.equal(st.phase, 'Pending');
    assert.equal(cond(st, 'Progressing').status, 'True');
    assert.equal(cond(st, 'Ready').status, 'False');
  });
});
