import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { CHAT_STREAM } from '@converge/protocol';
import { waitFor } from '@converge/testing';
import { type ChatProcess, type Cluster, rest, startCluster, user } from './harness';

let c: Cluster;
let p: ChatProcess;
before(async () => {
  c = await startCluster();
  p = await c.spawn();
});
after(async () => {
  await c.close();
});

interface StreamEvent {
  subject: string;
  data: { eventId: string; occurredAt: string; message?: { seq: number; rev: number; body: string | null; roomId: string } };
}

/** Every event the CHAT stream holds, in stream order. */
async function chatEvents(url: string): Promise<StreamEvent[]> {
  const nc: NatsConnection = await natsConnect({ servers: url, timeout: 2000 });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(CHAT_STREAM);
    const out: StreamEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(CHAT_STREAM, { seq });
      out.push({ subject: m.subject, data: m.json() });
    }
    return out;
  } finally {
    await nc.close();
  }
}

test('NATS outage: sends unaffected; the CHAT events are published after NATS returns, once each', async () => {
  const alice = await user(c.issuer);
  const room = await rest(p.url, 'POST', '/rooms', alice.token, { name: 'events', memberIds: [] });
  const roomId = room.body.id as string;
  const send = async (i: number) => {
    const r = await rest(p.url, 'POST', `/rooms/${roomId}/messages`, alice.token, { body: `m${i}`, clientMsgId: `m${i}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  for (let i = 1; i <= 5; i++) await send(i);
  const created = (events: StreamEvent[]) => events.filter((e) => e.subject === `chat.message.created.${roomId}`);
  await waitFor('the first events published', async () => created(await chatEvents(c.nats.url)).length === 5);

  await c.nats.kill();
  const t0 = Date.now();
  for (let i = 6; i <= 20; i++) await send(i);
  const edit = await rest(p.url, 'PATCH', `/rooms/${roomId}/messages/3`, alice.token, { body: 'edited while NATS was down' });
  assert.equal(edit.status, 200);
  assert.ok(Date.now() - t0 < 5000, 'sends and edits answered promptly without NATS');
  const metrics = await (await fetch(`${p.metricsUrl}/metrics`)).text();
  const lag = Number(/^outbox_lag_seconds\{[^}]*\} (\S+)$/m.exec(metrics)?.[1]);
  assert.ok(lag > 0, `events wait in the outbox (lag ${lag} s)`);

  await c.nats.restart();
  let events: StreamEvent[] = [];
  await waitFor(
    'the waiting events published',
    async () => {
      events = await chatEvents(c.nats.url);
      return created(events).length >= 20 && events.some((e) => e.subject === `chat.message.updated.${roomId}`);
    },
    30_000,
    200,
  );
  // Give a late duplicate every chance to show up before counting.
  await new Promise((r) => setTimeout(r, 1000));
  events = await chatEvents(c.nats.url);
  const ids = events.map((e) => e.data.eventId);
  assert.equal(new Set(ids).size, ids.length, 'each event once');
  assert.deepEqual(
    created(events).map((e) => e.data.message?.seq),
    Array.from({ length: 20 }, (_, i) => i + 1),
    'one created event per message, in order',
  );
  const updated = events.filter((e) => e.subject === `chat.message.updated.${roomId}`);
  assert.deepEqual(
    updated.map((e) => [e.data.message?.seq, e.data.message?.body]),
    [[3, 'edited while NATS was down']],
  );
  // The events carry the rev each change took, as the sockets hear it.
  assert.deepEqual(created(events).map((e) => e.data.message?.rev), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(updated.map((e) => e.data.message?.rev), [21]);
  const members = events.filter((e) => e.subject === `chat.room.member.${roomId}`);
  assert.equal(members.length, 1, 'the creator joining');
});
