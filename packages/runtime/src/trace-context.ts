import {
  type Attributes,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';

/**
 * The spans of our own code (socket events, the adapter broadcast, the outbox relay's publish), and
 * the W3C trace context carried from a send to the relay that publishes its event later.
 *
 * Spans of our own are made only while an exporter is configured (startTracing's
 * OTEL_EXPORTER_OTLP_ENDPOINT): without one nobody would read them, and the send path stays as cheap
 * as it was (issue 16 measures it). The instrumentations' spans (http, pg, ioredis) are unchanged.
 */
let exporting = false;

/** Called once by startTracing when spans leave the process. */
export function setTraceExport(on: boolean): void {
  exporting = on;
}

export function isTraceExporting(): boolean {
  return exporting;
}

const tracer = (): Tracer => trace.getTracer('converge');

export { SpanKind, SpanStatusCode };
export type { Span };

/**
 * Starts a span that is a child of the active context, or undefined when nothing is exported.
 * `root` starts a trace of its own (work that runs later, in no request's context), `links` point at
 * the spans it continues; `requireParent` makes none outside a trace (work done for a request
 * sometimes, in the background other times).
 */
export function startOwnSpan(
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; root?: boolean; requireParent?: boolean } = {},
): Span | undefined {
  if (!exporting) return undefined;
  if (opts.requireParent && !trace.getActiveSpan()?.isRecording()) return undefined;
  return tracer().startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes, links: opts.links, root: opts.root });
}

/** Runs `fn` with `span` as the active span (so the pg and ioredis spans of its work nest under it); plain `fn()` without one. */
export function runInSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

/**
 * Runs `fn` in no trace: for work that a request only triggers (a timer it arms, a background loop
 * it wakes), which would otherwise carry that request's context into everything it does later.
 */
export function outsideTrace<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}

/**
 * Only the traceparent: tracestate and baggage are not carried through the outbox, so no third
 * party's vendor data ends up in our tables.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C traceparent of the active span, to store beside an event; null when nothing is exported or no span is active. */
export function activeTraceparent(): string | null {
  if (!exporting) return null;
  const s = trace.getActiveSpan()?.spanContext();
  if (!s || !trace.isSpanContextValid(s)) return null;
  return traceparentOf(s.traceId, s.spanId, s.traceFlags);
}

export function traceparentOf(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A span link to the span a stored traceparent names; undefined for null or anything malformed. */
export function linkTo(traceparent: string | null | undefined): Link | undefined {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return undefined;
  const spanContext = { traceId: m[1] ?? '', spanId: m[2] ?? '', traceFlags: parseInt(m[3] ?? '0', 16), isRemote: true };
  return trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Runs `fn` as a child of the span a stored traceparent names: for work done later on behalf of a
 * request, in another request's context (a group commit that carries several sends runs in whichever
 * context flushed it). Outside any trace for a null or malformed traceparent; plain `fn()` when
 * nothing is exported (no traceparent is taken then, and nothing here costs anything).
 */
export function inTraceOf<T>(traceparent: string | null | undefined, fn: () => T): T {
  if (!exporting) return fn();
  const link = linkTo(traceparent);
  return context.with(link ? trace.setSpanContext(ROOT_CONTEXT, link.context) : ROOT_CONTEXT, fn);
}

/** The carrier headers (traceparent) that continue `span` in another process, through the global propagator. */
export function propagationHeaders(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier;
}

/** The trace and span ids of the active span, for log lines (logger.ts's mixin); empty outside a trace. */
export function activeTraceFields(): { traceId?: string; spanId?: string } {
  const s = trace.getActiveSpan()?.spanContext();
  if (!s || !trace.isSpanContextValid(s)) return {};
  return { traceId: s.traceId, spanId: s.spanId };
}
