// One send is one trace: a chat pod exporting to a local OTLP receiver, a socket.io client sends one
// message, and the export shows the socket event's span as the root, the PostgreSQL call and the
// adapter broadcast under it, and the outbox relay's NATS publish in a trace of its own linked to it;
// the pod's log lines of that send carry its trace id (docs/TRACING.md).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect as connectNats } from 'nats';
import { CHAT_STREAM, CHAT_SUBJECTS } from '@converge/protocol';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver, waitFor } from '@converge/testing';
import { type ChatProcess, type Cluster, connect, emit, rest, startCluster, user } from './harness';

let receiver: OtlpReceiver;
let cluster: Cluster;
let pod: ChatProcess;

before(async () => {
  receiver = await startOtlpReceiver();
  cluster = await startCluster({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    // Export within a tenth of a second instead of the SDK's five.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_SERVICE_NAME: 'chat-trace-test',
    LOG_LEVEL: 'debug',
  });
  pod = await cluster.spawn();
});
after(async () => {
  await cluster.close();
  await receiver.stop();
});

interface LogLine {
  msg?: string;
  traceId?: string;
  spanId?: string;
  [k: string]: unknown;
}

function logLines(p: ChatProcess): LogLine[] {
  return p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** The ancestors of `span` up to its trace's root, nearest first. */
function ancestors(span: ReceivedSpan, all: ReceivedSpan[]): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (let s = span; s.parentSpanId; ) {
    const parent = all.find((p) => p.traceId === s.traceId && p.spanId === s.parentSpanId);
    if (!parent) break;
    out.push(parent);
    s = parent;
  }
  return out;
}

test('a socket send is one trace (socket span, PostgreSQL, adapter broadcast), the relay publish is linked to it, and its log lines carry its trace id', async () => {
  const alice = await user(cluster.issuer);
  const bob = await user(cluster.issuer);
  const room = await rest(pod.url, 'POST', '/rooms', alice.token, { name: 'traced', memberIds: [bob.id] });
  const roomId = room.body.id as string;
  const body = 'a message body that must not reach a span';
  const socket = await connect(pod.url, alice.token);
  let ack;
  try {
    ack = await emit(socket, 'message:send', { roomId, body, clientMsgId: 'trace-1' });
  } finally {
    socket.close();
  }
  assert.equal(ack.ok, true);

  const subject = CHAT_SUBJECTS.messageCreated(roomId);
  let root: ReceivedSpan | undefined;
  let publish: ReceivedSpan | undefined;
  await waitFor(
    'the send and its relay publish exported',
    () => {
      const spans = receiver.spans();
      root = spans.find((s) => s.name === 'socket message:send');
      publish = spans.find((s) => s.name === 'publish chat.message.created.*' && s.attributes['messaging.destination.name'] === subject);
      // The broadcast ends before the event span, and the pg span too: wait for the root's children.
      return Boolean(root && publish && spans.some((s) => s.name === 'broadcast message:new'));
    },
    15_000,
  );
  assert.ok(root && publish);
  assert.deepEqual(receiver.rejected(), []);
  const spans = receiver.spans();
  const trace = spans.filter((s) => s.traceId === root?.traceId);

  // The socket event is the root of its trace, a server span of the chat service, and succeeded.
  assert.equal(root.parentSpanId, '');
  assert.equal(root.kind, 2);
  assert.equal(root.attributes['socket.io.event'], 'message:send');
  assert.equal(root.status.code, 0);
  assert.equal(root.resource['service.name'], 'chat-trace-test');

  // The send's one statement (group commit: chat_send_batch, here a batch of this one send), under
  // the batch's span, a child of the socket span (pg-pool's connect span may sit between).
  const batch = trace.find((s) => s.name === 'send batch');
  assert.ok(batch, `no send batch span in ${trace.map((s) => s.name).join(', ')}`);
  assert.equal(batch.parentSpanId, root.spanId);
  assert.equal(batch.attributes['converge.batch.size'], 1);
  assert.deepEqual(batch.links, []);
  const send = trace.find((s) => String(s.attributes['db.query.text'] ?? '').includes('chat_send_batch'));
  assert.ok(send, `no chat_send_batch span in ${trace.map((s) => s.name).join(', ')}`);
  assert.equal(send.scope, '@opentelemetry/instrumentation-pg');
  assert.ok(ancestors(send, spans).includes(batch));
  // The relay's pass, which the send wakes, runs in no trace: its outbox queries are not the send's.
  const relayQueries = trace.filter((s) => String(s.attributes['db.query.text'] ?? '').includes('outbox'));
  assert.deepEqual(relayQueries.map((s) => s.attributes['db.query.text']), []);

  // The adapter broadcast: a child of the socket span, naming the room; Redis's publish under it.
  const broadcast = trace.find((s) => s.name === 'broadcast message:new');
  assert.ok(broadcast);
  assert.equal(broadcast.parentSpanId, root.spanId);
  assert.deepEqual(broadcast.attributes['converge.room.ids'], [roomId]);
  const redisPublish = trace.find((s) => s.parentSpanId === broadcast.spanId && s.scope === '@opentelemetry/instrumentation-ioredis');
  assert.ok(redisPublish, 'the Redis publish of the broadcast is under it');
  assert.equal(redisPublish.name, 'publish');

  // The relay's NATS publish runs later: a producer span of its own trace, linked to the send's span.
  assert.notEqual(publish.traceId, root.traceId);
  assert.equal(publish.parentSpanId, '');
  assert.equal(publish.kind, 4);
  assert.deepEqual(publish.links, [{ traceId: root.traceId, spanId: root.spanId }]);
  assert.equal(publish.attributes['messaging.system'], 'nats');

  // The message in JetStream carries the publish span's traceparent, so a consumer can continue it.
  const nc = await connectNats({ servers: cluster.nats.url });
  try {
    const stored = await (await nc.jetstreamManager()).streams.getMessage(CHAT_STREAM, { last_by_subj: subject });
    assert.match(stored.header.get('traceparent'), new RegExp(`^00-${publish.traceId}-${publish.spanId}-01$`));
  } finally {
    await nc.close();
  }

  // Nothing exported carries the message body (pg records the statement, never its parameters).
  assert.ok(!JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(body));
  // Every trace starts at a request or at our own spans: the relay's polls and the presence
  // heartbeats (pg and Redis outside any trace) start none.
  const roots = new Set(spans.filter((s) => !s.parentSpanId).map((s) => s.scope));
  assert.deepEqual([...roots].sort(), ['@opentelemetry/instrumentation-http', 'converge']);

  // The pod's log lines of the send: the ack, in the socket span; the relay's publish, in its span.
  await waitFor('the log lines written', () => logLines(pod).some((l) => l.msg === 'Outbox event published' && l.subject === subject), 5000);
  const lines = logLines(pod);
  const acked = lines.filter((l) => l.msg === 'Socket event acked' && l.event === 'message:send');
  assert.equal(acked.length, 1);
  assert.equal(acked[0]?.traceId, root.traceId);
  assert.equal(acked[0]?.spanId, root.spanId);
  const published = lines.find((l) => l.msg === 'Outbox event published' && l.subject === subject);
  assert.equal(published?.traceId, publish.traceId);
  assert.equal(published.linkedTraceId, root.traceId);
  // And every line written inside the send's trace names it whole.
  for (const l of lines.filter((x) => x.traceId === root?.traceId)) assert.equal(typeof l.spanId, 'string');
});

test('sends stored in one group commit: each outbox row keeps its own send trace, the batch runs under the first and links the others', async (t) => {
  const alice = await user(cluster.issuer);
  const room = await rest(pod.url, 'POST', '/rooms', alice.token, { name: 'traced batch', memberIds: [] });
  const roomId = room.body.id as string;
  const subject = CHAT_SUBJECTS.messageCreated(roomId);
  // Several sockets sending at once, so that sends meet in the batcher (one socket's sends may be taken in turn).
  const sockets = await Promise.all(Array.from({ length: 6 }, () => connect(pod.url, alice.token)));
  try {
    const acks = await Promise.all(
      sockets.flatMap((s, i) => [0, 1].map((j) => emit(s, 'message:send', { roomId, body: `batched ${i}.${j}`, clientMsgId: `batch-${i}-${j}` }))),
    );
    assert.ok(acks.every((a) => a.ok === true));
  } finally {
    for (const s of sockets) s.close();
  }

  const publishesOf = () => receiver.spans().filter((s) => s.name === 'publish chat.message.created.*' && s.attributes['messaging.destination.name'] === subject);
  await waitFor('the twelve relay publishes exported', () => publishesOf().length === 12, 15_000);
  const spans = receiver.spans();
  const sendSpans = new Map(spans.filter((s) => s.name === 'socket message:send').map((s) => [s.spanId, s]));
  // Each event's publish links to one send's socket span, a different one each: the traceparent went to each row.
  const linked = publishesOf().map((p) => {
    assert.equal(p.links.length, 1);
    const send = sendSpans.get(p.links[0]?.spanId ?? '');
    assert.ok(send, 'the publish links to a socket message:send span');
    return send.spanId;
  });
  assert.equal(new Set(linked).size, 12);

  // Every send is served by exactly one batch span: as its parent (the batch's first send) or by a link.
  const served = new Map<string, number>();
  const batches = spans.filter((s) => s.name === 'send batch' && linked.includes(s.parentSpanId));
  for (const b of batches) {
    assert.equal(b.attributes['converge.batch.size'], b.links.length + 1);
    for (const id of [b.parentSpanId, ...b.links.map((l) => l.spanId)]) served.set(id, (served.get(id) ?? 0) + 1);
    // The batch's statement is under its span, in the first send's trace.
    assert.ok(spans.some((s) => String(s.attributes['db.query.text'] ?? '').includes('chat_send_batch') && ancestors(s, spans).includes(b)));
  }
  assert.deepEqual([...served.keys()].sort(), [...linked].sort());
  assert.ok([...served.values()].every((n) => n === 1));
  t.diagnostic(`batch sizes: ${batches.map((b) => String(b.attributes['converge.batch.size'])).join(', ')}`);
});
