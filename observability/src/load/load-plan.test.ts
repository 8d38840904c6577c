import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planLoad } from './load-plan';

const base = { users: 10, rooms: 4, roomSize: 3, rate: 60, workers: 2, chatUrls: ['http://a', 'http://b'], prefix: 'p' };

test('rooms take consecutive users, wrapping around, each member once', () => {
  const plan = planLoad(base);
  assert.deepEqual(
    plan.rooms.map((r) => r.members),
    [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9, 0, 1],
    ],
  );
  assert.deepEqual(plan.users[0]?.rooms, [0, 3]);
  assert.equal(plan.users[9]?.username, 'p-9');
  // The name holds what decides the members, so a run with other options makes other rooms.
  assert.equal(plan.rooms[0]?.name, 'p 1/4 of 3 (10 users)');
  assert.ok(plan.rooms.every((r) => r.name.length <= 100));
});

test('every client process holds users on every pod', () => {
  const plan = planLoad(base);
  for (const w of [0, 1]) {
    const urls = new Set(plan.users.filter((u) => u.worker === w).map((u) => u.chatUrl));
    assert.deepEqual([...urls].sort(), ['http://a', 'http://b']);
  }
});

test('the rate is shared by memberships: the process with more senders sends more, the total stays', () => {
  const plan = planLoad(base);
  // Memberships: worker 0 has users 0,2,4,6,8 (0 twice) = 6, worker 1 has 1,3,5,7,9 (1 twice) = 6.
  assert.deepEqual(plan.workerRates, [30, 30]);
  const uneven = planLoad({ ...base, users: 5, rooms: 1, roomSize: 3, workers: 2 });
  assert.deepEqual(uneven.workerRates, [40, 20]);
  assert.equal(planLoad({ ...base, rooms: 1, roomSize: 2, users: 4, workers: 4 }).workerRates.reduce((a, b) => a + b), 60);
});
