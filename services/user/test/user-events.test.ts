import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect } from 'nats';
import { waitFor } from '@converge/testing';
import { call, type Harness, register, startHarness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function usersStream(): Promise<{ subject: string; eventId: string; user: { id: string; displayName: string } }[]> {
  const nc = await connect({ servers: h.nats.url });
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('USERS');
  const out = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage('USERS', { seq });
    out.push({ subject: m.subject, ...(m.json() as { eventId: string; user: { id: string; displayName: string } }) });
  }
  await nc.close();
  return out;
}

test('registered, updated and deleted users are published to USERS', async () => {
  const u = await register(h.url);
  await call(h.url, 'PATCH', '/users/me', { displayName: 'Renamed' }, u.accessToken);
  await call(h.url, 'DELETE', '/users/me', undefined, u.accessToken);
  await waitFor('three events', async () => (await usersStream()).filter((e) => e.user.id === u.user.id).length === 3);
  const mine = (await usersStream()).filter((e) => e.user.id === u.user.id);
  assert.deepEqual(mine.map((e) => e.subject), ['users.registered', 'users.updated', 'users.deleted']);
  assert.equal(mine[1]?.user.displayName, 'Renamed');
});

test('NATS down: requests still succeed; when it is back every event arrives once each', async () => {
  await waitFor('stream exists', async () => (await usersStream().catch(() => undefined)) !== undefined);
  const already = (await usersStream()).length;
  await h.nats.kill();
  const users = [];
  for (let i = 0; i < 10; i++) users.push(await register(h.url));
  const ready = await call(h.url, 'GET', '/readyz');
  assert.equal(ready.status, 503);
  assert.equal(ready.body.error.nats.status, 'down', 'readiness names NATS');
  await h.nats.restart();
  await waitFor('events published', async () => (await usersStream()).length >= already + 10, 20_000);
  const events = (await usersStream()).slice(already);
  const ids = events.map((e) => e.eventId);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  assert.deepEqual(
    events.map((e) => e.user.id).sort(),
    users.map((u) => u.user.id).sort(),
  );
  assert.ok(events.every((e) => e.subject === 'users.registered'));
});
