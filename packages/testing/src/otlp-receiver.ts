// A local OTLP/HTTP trace receiver, on 127.0.0.1 and a free port, for tests that point a service's
// OTEL_EXPORTER_OTLP_ENDPOINT at it: it takes the protobuf exports the SDK's exporter posts to
// /v1/traces and keeps every span it received. (A collector of our own, not a stand-in: the
// exporter under test is the real one, and so is the wire format.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceExport, type ReceivedSpan } from './otlp-protobuf';

export type { AttributeValue, ReceivedSpan } from './otlp-protobuf';

export interface OtlpReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter adds /v1/traces). */
  url: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Requests refused, each with its method, path and reason: malformed exports, and anything but traces (metrics or logs pushed). */
  rejected(): string[];
  stop(): Promise<void>;
}

/** At most this much per export: a runaway exporter must not fill the test process's memory. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error(`export larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const answer = (res: ServerResponse, status: number, message?: string) => {
    res.writeHead(status, { 'content-type': message ? 'text/plain' : 'application/x-protobuf' });
    // An empty ExportTraceServiceResponse is a zero-length protobuf message: full success.
    res.end(message ?? '');
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    rejected.push(`${req.method} ${req.url}: ${reason}`);
    answer(res, status, reason);
  };
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') return refuse(req, res, 404, 'only POST /v1/traces');
    if (!String(req.headers['content-type']).startsWith('application/x-protobuf')) {
      return refuse(req, res, 415, 'this receiver takes OTLP protobuf (application/x-protobuf)');
    }
    readBody(req).then(
      (raw) => {
        try {
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          received.push(...decodeTraceExport(body));
          answer(res, 200);
        } catch (e) {
          refuse(req, res, 400, (e as Error).message);
        }
      },
      (e: unknown) => refuse(req, res, 413, (e as Error).message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    rejected: () => [...rejected],
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
