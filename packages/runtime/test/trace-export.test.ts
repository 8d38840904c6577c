// Tracing as a process runs it (startTracing, here with an exporter to a local OTLP receiver): our
// own spans are made, nest, link and reach the export; log lines inside them carry their ids, lines
// outside none; a timer armed outside a trace stays outside.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { type OtlpReceiver, startOtlpReceiver, waitFor } from '@converge/testing';
import { createLogger } from '../src/logger';
import { activeTraceparent, inTraceOf, isTraceExporting, linkTo, outsideTrace, runInSpan, SpanKind, startOwnSpan } from '../src/trace-context';
import { startTracing, type Tracing } from '../src/tracing';

let receiver: OtlpReceiver;
let tracing: Tracing;

before(async () => {
  receiver = await startOtlpReceiver();
  tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'runtime-test' }, 'runtime');
});
after(async () => {
  await tracing.shutdown();
  await receiver.stop();
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger('test', 'info', sink) };
}

test('inside a span a log line names its trace and span; outside, and in a timer armed outside a trace, none', async () => {
  assert.equal(isTraceExporting(), true);
  const { lines, log } = capture();
  const span = startOwnSpan('socket test:event', { kind: SpanKind.SERVER, root: true });
  assert.ok(span);
  await runInSpan(span, async () => {
    await new Promise((r) => setTimeout(r, 5));
    log.info('inside');
    // A line's own traceId wins over the mixin's (request-observer writes one itself).
    log.info({ traceId: 'explicit' }, 'own id');
    await new Promise<void>((r) => outsideTrace(() => setTimeout(() => (log.info('later'), r()), 5)));
  });
  span.end();
  log.info('outside');
  const [inside, own, later, outside] = lines;
  assert.equal(inside?.traceId, span.spanContext().traceId);
  assert.equal(inside.spanId, span.spanContext().spanId);
  assert.equal(own?.traceId, 'explicit');
  assert.equal(later?.traceId, undefined);
  assert.equal(outside?.traceId, undefined);
});

test('a child nests under the active span, a span without a parent is not made when one is required, and a stored traceparent links a later root', async () => {
  const parent = startOwnSpan('parent', { root: true });
  assert.ok(parent);
  const [child, traceparent] = runInSpan(parent, () => [startOwnSpan('child', { requireParent: true }), activeTraceparent()] as const);
  child?.end();
  parent.end();
  assert.equal(startOwnSpan('orphan', { requireParent: true }), undefined);
  assert.equal(activeTraceparent(), null);
  const link = linkTo(traceparent);
  assert.ok(link);
  runInSpan(parent, () => startOwnSpan('later', { root: true, links: [link] })?.end());

  await waitFor('three spans exported', () => receiver.spans().length >= 3, 10_000);
  const byName = new Map(receiver.spans().map((s) => [s.name, s]));
  const p = byName.get('parent');
  assert.equal(byName.get('child')?.parentSpanId, p?.spanId);
  const later = byName.get('later');
  // `root` starts a new trace even where another span is active.
  assert.notEqual(later?.traceId, p?.traceId);
  assert.equal(later?.parentSpanId, '');
  assert.deepEqual(later?.links, [{ traceId: p?.traceId, spanId: p?.spanId }]);
  assert.equal(p?.resource['service.name'], 'runtime-test');
});

test('work done later for a stored traceparent nests under the span it names; for none, in no trace', async () => {
  const send = startOwnSpan('socket later:send', { kind: SpanKind.SERVER, root: true });
  assert.ok(send);
  const traceparent = runInSpan(send, () => activeTraceparent());
  send.end();
  // Another request's span is active where the work runs (a batch flushed from another send's context).
  const other = startOwnSpan('socket other:send', { root: true });
  const [flushed, orphan] = runInSpan(other, () => [
    inTraceOf(traceparent, () => startOwnSpan('flush')),
    inTraceOf(null, () => startOwnSpan('orphan', { requireParent: true })),
  ] as const);
  flushed?.end();
  other?.end();
  assert.equal(orphan, undefined);
  await waitFor('the flush exported', () => receiver.spans().some((s) => s.name === 'flush'), 10_000);
  const f = receiver.spans().find((s) => s.name === 'flush');
  assert.equal(f?.traceId, send.spanContext().traceId);
  assert.equal(f?.parentSpanId, send.spanContext().spanId);
});
