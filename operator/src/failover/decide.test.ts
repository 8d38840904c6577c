import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentStatus } from '../agent/protocol';
import { PostgresClusterSpec } from '../api/postgres-cluster';
import { bestCandidate, decide, replicasNeededForFailover } from './decide';
import type { Observation } from './observation';

const spec = PostgresClusterSpec.parse({ instances: 3, failoverDelaySeconds: 2 });

function agent(over: Partial<AgentStatus>): AgentStatus {
  return {
    instance: 'x', state: 'running', role: 'replica', dataKind: 'replica', crashed: false, ready: true, timeline: 1,
    currentLsn: null, receiveLsn: '0/3000000', replayLsn: '0/3000000', checkpointLsn: null, standbys: [], upstream: null,
    systemIdentifier: '1', lastError: null, ...over,
  };
}
const obs = (name: string, a: Partial<AgentStatus> | null): Observation => ({ name, podExists: true, podReady: !!a, agent: a ? agent({ instance: name, ...a }) : null });
const primary = (name: string) => obs(name, { role: 'primary', dataKind: 'primary', currentLsn: '0/3000000', receiveLsn: null, replayLsn: null });
const base = { spec, switchoverDone: undefined, primaryFailingSince: undefined, now: 100_000 };

describe('decide: the failover decision table', () => {
  it('bootstraps the first instance of a new cluster, and clones the others once it serves', () => {
    const empty = (n: string) => obs(n, { state: 'waiting', dataKind: 'empty', role: 'none', ready: false });
    assert.deepEqual(decide({ ...base, currentPrimary: undefined, observations: [empty('pg-1'), empty('pg-2')] }), [{ kind: 'bootstrap', instance: 'pg-1' }]);
    assert.deepEqual(decide({ ...base, currentPrimary: 'pg-1', observations: [primary('pg-1'), empty('pg-2'), empty('pg-3')] }), [
      { kind: 'clone', instance: 'pg-2' },
      { kind: 'clone', instance: 'pg-3' },
    ]);
  });

  it('does nothing while the primary serves and the replicas stream', () => {
    assert.deepEqual(decide({ ...base, currentPrimary: 'pg-1', observations: [primary('pg-1'), obs('pg-2', {}), obs('pg-3', {})] }), []);
  });

  it('waits failoverDelaySeconds before promoting', () => {
    const observations = [obs('pg-1', null), obs('pg-2', {}), obs('pg-3', {})];
    const early = decide({ ...base, currentPrimary: 'pg-1', observations, primaryFailingSince: base.now - 1500 });
    assert.equal(early[0]?.kind, 'wait');
    const late = decide({ ...base, currentPrimary: 'pg-1', observations, primaryFailingSince: base.now - 2000 });
    assert.equal(late[0]?.kind, 'failover');
  });

  it('promotes the replica that received the most WAL, whatever its name', () => {
    const observations = [obs('pg-1', null), obs('pg-2', { receiveLsn: '0/3000000' }), obs('pg-3', { receiveLsn: '0/3000100' })];
    const [a] = decide({ ...base, currentPrimary: 'pg-1', observations, primaryFailingSince: 0 });
    assert.deepEqual(a, { kind: 'failover', from: 'pg-1', to: 'pg-3', fence: false, reason: 'pg-1 is unreachable' });
    // LSNs compare as numbers, not strings: 0/A0000000 is past 0/9FFFFFFF, and 1/0 past both.
    assert.equal(bestCandidate([obs('a', { receiveLsn: '0/9FFFFFFF' }), obs('b', { receiveLsn: '1/0' }), obs('c', { receiveLsn: '0/A0000000' })])?.name, 'b');
  });

  it('fences a primary that restarted (its agent waits) before promoting; it never resumes by itself', () => {
    const observations = [obs('pg-1', { role: 'none', state: 'waiting', dataKind: 'primary', crashed: true, ready: false }), obs('pg-2', {}), obs('pg-3', {})];
    const [a] = decide({ ...base, currentPrimary: 'pg-1', observations, primaryFailingSince: 0 });
    assert.equal(a?.kind, 'failover');
    assert.equal((a as { fence: boolean }).fence, true);
  });

  it('with no healthy replica, restarts the old primary in place, or waits when it is gone too', () => {
    const down = { state: 'failed' as const, ready: false };
    const back = decide({
      ...base,
      currentPrimary: 'pg-1',
      observations: [obs('pg-1', { role: 'none', state: 'waiting', dataKind: 'primary', ready: false }), obs('pg-2', down), obs('pg-3', null)],
      primaryFailingSince: 0,
    });
    assert.deepEqual(back[0], { kind: 'start-primary', instance: 'pg-1', reason: 'no replica can take over; the primary restarts in place' });
    const none = decide({ ...base, currentPrimary: 'pg-1', observations: [obs('pg-1', null), obs('pg-2', null), obs('pg-3', null)], primaryFailingSince: 0 });
    assert.equal(none[0]?.kind, 'wait');
    assert.match((none[0] as { reason: string }).reason, /only 0 of 2 replicas are reachable/);
  });

  it('does not promote when too few replicas are reachable to be sure one has every acked commit', () => {
    // ANY 1 of 2 replicas: a commit may be only on pg-3; pg-2 alone could lack it.
    const observations = [obs('pg-1', null), obs('pg-2', {}), obs('pg-3', null)];
    const r = decide({ ...base, currentPrimary: 'pg-1', observations, primaryFailingSince: 0 });
    assert.equal(r[0]?.kind, 'wait');
    assert.equal(replicasNeededForFailover(spec, 2), 2);
    assert.equal(replicasNeededForFailover(PostgresClusterSpec.parse({ instances: 3, synchronous: { number: 2 } }), 2), 1);
    assert.equal(replicasNeededForFailover(PostgresClusterSpec.parse({ instances: 3, synchronous: { mode: 'off' } }), 2), 1);
  });

  it('when two claim primary, fences the one the API does not name', () => {
    const r = decide({ ...base, currentPrimary: 'pg-2', observations: [primary('pg-1'), primary('pg-2'), obs('pg-3', {})] });
    assert.deepEqual(r, [{ kind: 'fence', instance: 'pg-1', reason: 'pg-1 runs as primary but pg-2 is the primary' }]);
  });

  it('rejoins a partitioned old primary when it comes back fenced or waiting', () => {
    const r = decide({ ...base, currentPrimary: 'pg-2', observations: [obs('pg-1', { state: 'fenced', role: 'none', dataKind: 'primary', ready: false }), primary('pg-2'), obs('pg-3', {})] });
    assert.equal(r[0]?.kind, 'rejoin');
    assert.equal((r[0] as { instance: string }).instance, 'pg-1');
  });

  it('re-seeds an instance whose rejoin failed (pg_rewind could not), never the primary', () => {
    const r = decide({ ...base, currentPrimary: 'pg-2', observations: [obs('pg-1', { state: 'failed', role: 'none', dataKind: 'primary', ready: false, lastError: 'rewind: WAL gone' }), primary('pg-2'), obs('pg-3', {})] });
    assert.deepEqual(r, [{ kind: 'clone', instance: 'pg-1', wipe: true }]);
  });

  it('switches over to a named streaming replica once, and refuses a target that is not one', () => {
    const s = PostgresClusterSpec.parse({ instances: 3, switchover: { to: 'pg-3' } });
    const world = [primary('pg-1'), obs('pg-2', {}), obs('pg-3', {})];
    assert.deepEqual(decide({ ...base, spec: s, currentPrimary: 'pg-1', observations: world }), [{ kind: 'switchover', from: 'pg-1', to: 'pg-3' }]);
    assert.deepEqual(decide({ ...base, spec: s, currentPrimary: 'pg-1', switchoverDone: 'pg-3', observations: world }), []);
    const bad = decide({ ...base, spec: PostgresClusterSpec.parse({ instances: 3, switchover: { to: 'pg-9' } }), currentPrimary: 'pg-1', observations: world });
    assert.equal(bad[0]?.kind, 'wait');
  });
});
