import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaseAfter, MAX_LEASE, pointsToTake, spendLeased } from './token-lease';

test('with nothing known, or a new window, a send asks Redis for one point', () => {
  assert.equal(pointsToTake(undefined, 0), 1);
  assert.equal(pointsToTake(leaseAfter(1, 1000, 500, 0), 500), 1, 'the window the lease came from is over');
});

test('far from empty, a lease of a quarter of what is left (at most MAX_LEASE); near empty, one point at a time', () => {
  assert.equal(pointsToTake(leaseAfter(1, 40, 1000, 0), 10), 10);
  assert.equal(pointsToTake(leaseAfter(1, 100_000, 1000, 0), 10), MAX_LEASE);
  assert.equal(pointsToTake(leaseAfter(1, 7, 1000, 0), 10), 1, 'fewer than 8 left: no lease');
  assert.equal(pointsToTake(leaseAfter(1, 0, 1000, 0), 10), 1);
});

test('leased points are spent locally until they run out or their window ends', () => {
  const lease = leaseAfter(3, 50, 1000, 0);
  assert.equal(spendLeased(lease, 10), true);
  assert.equal(spendLeased(lease, 20), true);
  assert.equal(spendLeased(lease, 30), false, 'two of three were left: the third went on the send that asked');
  const stale = leaseAfter(5, 50, 1000, 0);
  assert.equal(spendLeased(stale, 1000), false, 'never spent in a later window than the one it was counted in');
  assert.equal(spendLeased(undefined, 0), false);
});
