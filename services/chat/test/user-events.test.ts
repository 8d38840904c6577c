import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { USER_SUBJECTS, USERS_STREAM } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { type ChatProcess, type Cluster, connect, rest, startCluster, user, type User } from './harness';

let c: Cluster;
let a: ChatProcess;
let b: ChatProcess;
let nc: NatsConnection;
before(async () => {
  c = await startCluster();
  // Two pods share the durable consumer: each event is handled once, by either.
  [a, b] = await Promise.all([c.spawn(), c.spawn()]);
  nc = await natsConnect({ servers: c.nats.url });
  // The chat service creates USERS if the user service has not yet.
  await waitFor('the USERS stream', async () => {
    try {
      await (await nc.jetstreamManager()).streams.info(USERS_STREAM);
      return true;
    } catch {
      return false;
    }
  });
});
after(async () => {
  await nc.close();
  await c.close();
});

/** Publishes a USERS event as the user service would (the event id as the JetStream message id). */
async function publish(subject: string, u: User, displayName: string, eventId = randomUUID(), msgId = eventId) {
  const payload = {
    eventId,
    occurredAt: new Date().toISOString(),
    user: { id: u.id, username: `u_${u.id.slice(0, 8)}`, displayName, createdAt: new Date().toISOString() },
  };
  await nc.jetstream().publish(subject, JSON.stringify(payload), { msgID: msgId });
  return eventId;
}

async function processedCount(): Promise<number> {
  const db = new Client({ connectionString: c.db.url });
  await db.connect();
  const r = await db.query('SELECT count(*)::int AS n FROM processed_events');
  await db.end();
  return r.rows[0].n as number;
}

test('USERS events give display names to messages and members, once per eventId', async () => {
  const alice = await user(c.issuer);
  const bob = await user(c.issuer);
  const room = await rest(a.url, 'POST', '/rooms', alice.token, { name: 'names', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const before = await processedCount();
  await publish(USER_SUBJECTS.registered, alice, 'Alice');
  await publish(USER_SUBJECTS.registered, bob, 'Bob');
  await waitFor('names known', async () => {
    const r = await rest(b.url, 'GET', `/rooms/${roomId}`, bob.token);
    return r.body.members.every((m: { displayName: string | null }) => m.displayName);
  });
  const sent = await rest(a.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: 'hi', clientMsgId: 'n1' });
  assert.equal(sent.body.senderName, 'Alice');

  const renamed = await publish(USER_SUBJECTS.updated, alice, 'Alice Liddell');
  // The same event again (a relay that re-sent after a crash, past JetStream's dedup): no second effect.
  await publish(USER_SUBJECTS.updated, alice, 'Alice Liddell', renamed, randomUUID());
  await waitFor('the new name', async () => {
    const h = await rest(b.url, 'GET', `/rooms/${roomId}/messages?after=0`, bob.token);
    return h.body.messages[0]?.senderName === 'Alice Liddell';
  });
  await waitFor('both deliveries handled', async () => (await processedCount()) === before + 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await processedCount(), before + 3, 'the redelivered event was recognised by its eventId');
});

test('users.deleted: the user leaves every room and loses their sessions, their messages stay (as a deleted user), the others hear it', async () => {
  const carol = await user(c.issuer);
  const dan = await user(c.issuer);
  await publish(USER_SUBJECTS.registered, carol, 'Carol');
  const g = await rest(a.url, 'POST', '/rooms', dan.token, { name: 'team', memberIds: [carol.id] });
  const dm = await rest(a.url, 'POST', '/rooms', carol.token, { directWith: dan.id });
  await rest(a.url, 'POST', `/rooms/${g.body.id}/messages`, carol.token, { body: 'bye soon', clientMsgId: 'c1' });
  const carolSocket = await connect(b.url, carol.token);
  const danSocket = await connect(a.url, dan.token);
  let carolDisconnected = false;
  carolSocket.on('disconnect', () => (carolDisconnected = true));
  const updates: { id: string; members: { userId: string }[] }[] = [];
  danSocket.on('room:updated', (r) => updates.push(r));

  await publish(USER_SUBJECTS.deleted, carol, 'Carol');
  // Her still-unexpired token no longer works, and her socket is closed.
  await waitFor('her token is refused', async () => (await rest(a.url, 'GET', '/rooms', carol.token)).status === 401);
  await waitFor('her socket was closed', () => carolDisconnected);
  await waitFor('the others were told', () => updates.some((r) => r.id === g.body.id && r.members.every((m) => m.userId !== carol.id)));
  await waitFor('she left the direct room too', async () => {
    const r = await rest(a.url, 'GET', `/rooms/${dm.body.id}`, dan.token);
    return r.status === 200 && r.body.members.every((m: { userId: string }) => m.userId !== carol.id);
  });
  const h = await rest(a.url, 'GET', `/rooms/${g.body.id}/messages?after=0`, dan.token);
  assert.deepEqual([h.body.messages[0].body, h.body.messages[0].senderName, h.body.messages[0].senderId], ['bye soon', null, carol.id]);
  const send = await rest(a.url, 'POST', `/rooms/${g.body.id}/messages`, carol.token, { body: 'still here?', clientMsgId: 'c2' });
  assert.equal(send.status, 401, 'a deleted user can no longer act');
  carolSocket.close();
  danSocket.close();
});

test('a malformed USERS event is dropped without blocking the ones after it', async () => {
  const erin = await user(c.issuer);
  await nc.jetstream().publish(USER_SUBJECTS.updated, 'not json at all');
  await nc.jetstream().publish(USER_SUBJECTS.updated, JSON.stringify({ eventId: 'nope', user: {} }));
  const r = await rest(a.url, 'POST', '/rooms', erin.token, { name: 'after junk', memberIds: [] });
  await publish(USER_SUBJECTS.registered, erin, 'Erin');
  await waitFor('the good event after the junk', async () => {
    const room = await rest(a.url, 'GET', `/rooms/${r.body.id}`, erin.token);
    return room.body.members[0]?.displayName === 'Erin';
  });
});
