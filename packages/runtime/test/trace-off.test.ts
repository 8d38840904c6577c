// Without OTEL_EXPORTER_OTLP_ENDPOINT (the default): the instrumentations' spans still give log lines
// their trace ids, but none of our own spans is made and no traceparent is stored (the send path stays
// as cheap as it was).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { newOutboxEvent } from '../src/outbox';
import { activeTraceparent, inTraceOf, isTraceExporting, startOwnSpan } from '../src/trace-context';
import { startTracing, type Tracing } from '../src/tracing';

let tracing: Tracing;
before(() => {
  tracing = startTracing({}, 'runtime');
});
after(() => tracing.shutdown());

test('no exporter: no spans of our own, no traceparent on an event, even inside an instrumentation span', () => {
  assert.equal(isTraceExporting(), false);
  assert.equal(startOwnSpan('socket x', { root: true }), undefined);
  trace.getTracer('instrumentation-like').startActiveSpan('GET /rooms', (span) => {
    assert.equal(activeTraceparent(), null);
    assert.equal(newOutboxEvent('testev.created', {}).traceparent, null);
    // inTraceOf leaves the context as it is: the instrumentation's span stays the active one.
    assert.equal(inTraceOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', () => trace.getActiveSpan()), span);
    span.end();
  });
});
