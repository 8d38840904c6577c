import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { setTraceExport } from './trace-context';

const discardingProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
};

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry. It must run before express, pg and ioredis are loaded so their
 * instrumentations can patch them: call it at the top of main.ts, before importing the app module.
 * Spans are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise they stay in-process
 * (trace ids still reach the logs) and the spans of our own code (trace-context.ts) are not made.
 * The batch processor reads OTEL_BSP_SCHEDULE_DELAY and its other OTEL_BSP_* variables itself.
 */
export function startTracing(env: NodeJS.ProcessEnv, defaultServiceName: string): Tracing {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
    // Without an endpoint, spans are still created (so logs carry trace ids) but dropped, instead of
    // letting the SDK fall back to its default exporter at localhost:4318.
    ...(endpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) }
      : { spanProcessors: [discardingProcessor] }),
    // Traces only: metrics are prom-client's (/metrics) and logs pino's (stdout). Left unset, the SDK
    // adds OTLP metric and log exporters of its own (to localhost:4318 when no endpoint is given),
    // and every instrumented pg query or Redis command also records an OTel histogram nobody reads.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? ''),
      }),
      new ExpressInstrumentation(),
      // Only queries and commands inside a trace (a request, a socket event): the outbox relay's
      // polls, the presence heartbeats and the gauges' queries would otherwise each start a trace
      // of one span, several a second per pod.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  setTraceExport(Boolean(endpoint));
  return { shutdown: () => sdk.shutdown() };
}
