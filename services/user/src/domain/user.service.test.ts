import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { AppError } from '@converge/protocol';
import { MemoryUsers, RecordingObserver } from './ports.fakes';
import type { UserRecord } from './user';
import { toPublicUser } from './user';
import { UserService } from './user.service';

let users: MemoryUsers;
let observer: RecordingObserver;
let service: UserService;
let ann: UserRecord;

function record(id: string, username: string, displayName = username): UserRecord {
  return { id, username, displayName, passwordHash: 'secret-hash', createdAt: new Date('2030-01-02T03:04:05.000Z') };
}

beforeEach(async () => {
  users = new MemoryUsers();
  observer = new RecordingObserver();
  service = new UserService(users, observer);
  ann = record('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0001', 'ann', 'Ann Arbor');
  await users.create(ann);
  await users.create(record('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0002', 'anna'));
  await users.create(record('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0003', 'bert', 'Annie B'));
});

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AppError && e.code === code);
}

test('the public user has exactly the contract fields: never the password hash', () => {
  assert.deepEqual(toPublicUser(ann), { id: ann.id, username: 'ann', displayName: 'Ann Arbor', createdAt: '2030-01-02T03:04:05.000Z' });
});

describe('me and get', () => {
  test('me answers the caller; a caller whose account is gone is UNAUTHENTICATED', async () => {
    assert.equal((await service.me(ann.id)).username, 'ann');
    await rejectsWith(service.me('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0099'), 'UNAUTHENTICATED');
  });

  test('get by id; an unknown id or one that is not a UUID is NOT_FOUND', async () => {
    assert.equal((await service.get(ann.id)).displayName, 'Ann Arbor');
    await rejectsWith(service.get('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0099'), 'NOT_FOUND');
    for (const id of ['not-a-uuid', "'; DROP TABLE users; --", '', 42, undefined]) await rejectsWith(service.get(id), 'NOT_FOUND');
  });
});

describe('search', () => {
  test('by a trimmed, lower-cased prefix of the username or display name, sorted by username', async () => {
    assert.deepEqual((await service.search({ search: '  ANN ' })).map((u) => u.username), ['ann', 'anna', 'bert']);
    assert.deepEqual(users.searches.at(-1), { prefix: 'ann', limit: 20 });
  });

  test('no or a blank prefix lists everyone, with the default limit of 20 or the one asked for', async () => {
    assert.equal((await service.search({})).length, 3);
    await service.search({ search: '   ', limit: '2' });
    assert.deepEqual(users.searches.at(-1), { prefix: undefined, limit: 2 });
  });

  test('bad queries are VALIDATION_FAILED', async () => {
    for (const q of [{ limit: '0' }, { limit: '51' }, { limit: 'abc' }, { limit: '-1' }, { search: 's'.repeat(33) }, { search: ['a', 'b'] }, { other: '1' }]) {
      await rejectsWith(service.search(q), 'VALIDATION_FAILED');
    }
  });
});

describe('update and delete', () => {
  test('updateMe stores the trimmed display name and reports it', async () => {
    const u = await service.updateMe(ann.id, { displayName: '  Ann 🌟 ' });
    assert.equal(u.displayName, 'Ann 🌟');
    assert.equal(users.rows.get(ann.id)?.displayName, 'Ann 🌟');
    assert.deepEqual(observer.events, [['updated', ann.id]]);
  });

  test('updateMe with bad input is VALIDATION_FAILED and changes nothing', async () => {
    for (const b of [{}, { displayName: '' }, { displayName: '   ' }, { displayName: 'n'.repeat(65) }, { displayName: 7 }, { displayName: 'ok', username: 'x' }]) {
      await rejectsWith(service.updateMe(ann.id, b), 'VALIDATION_FAILED');
    }
    assert.equal(users.rows.get(ann.id)?.displayName, 'Ann Arbor');
    assert.deepEqual(observer.events, []);
  });

  test('updateMe or deleteMe for an account that is gone is UNAUTHENTICATED', async () => {
    await rejectsWith(service.updateMe('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0099', { displayName: 'x' }), 'UNAUTHENTICATED');
    await rejectsWith(service.deleteMe('6f1c1a55-9b8e-4a51-9d3b-3f0b6a2c0099'), 'UNAUTHENTICATED');
  });

  test('deleteMe removes the account and reports it', async () => {
    await service.deleteMe(ann.id);
    assert.equal(users.rows.has(ann.id), false);
    assert.deepEqual(observer.events, [['deleted', ann.id]]);
  });
});
