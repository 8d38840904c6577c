import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { startOtlpReceiver } from './otlp-receiver';

// One span as @opentelemetry/otlp-transformer 0.223's ProtobufTraceSerializer encodes it (what the
// proto exporter posts): service.name chat, scope converge, a PRODUCER span with a parent, a link,
// string/int/double/bool/array attributes and an error status.
const EXPORT = Buffer.from(
  '0a98020a1a0a160a0c736572766963652e6e616d6512060a0463686174100012f9010a0a0a08636f6e766572676512ea010a104bf92f3577b34da6a3ce929d0e0e47361208872d782f36ec7ef3220800f067aa0ba902b72a1e7075626c69736820636861742e6d6573736167652e637265617465642e2a30043905002a36fe9c97174107cac471fe9c97174a1a0a106d6573736167696e672e73797374656d12060a046e6174734a070a016e1202182a4a0e0a0166120921000000000000f83f4a080a026f6b120210014a140a046c697374120c2a0a0a030a01610a030a0162500060006a230a100af7651916cd43dd8448eb211c80319c1208b7ad6b71692033312800350101000070007a081204626f6f6d1802850101010000',
  'hex',
);

const post = (url: string, body: Uint8Array, headers: Record<string, string> = { 'content-type': 'application/x-protobuf' }) =>
  fetch(`${url}/v1/traces`, { method: 'POST', headers, body });

test('an export the OTel proto exporter encodes is received span by span, with its tree, links, attributes and status', async () => {
  const r = await startOtlpReceiver();
  try {
    assert.equal((await post(r.url, EXPORT)).status, 200);
    // Compressed (OTEL_EXPORTER_OTLP_COMPRESSION=gzip) too.
    assert.equal((await post(r.url, gzipSync(EXPORT), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).status, 200);
    const [span, again] = r.spans();
    assert.deepEqual(again, span);
    assert.equal(span?.name, 'publish chat.message.created.*');
    assert.equal(span.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(span.spanId, '872d782f36ec7ef3');
    assert.equal(span.parentSpanId, '00f067aa0ba902b7');
    assert.equal(span.kind, 4);
    assert.equal(span.endTimeUnixNano - span.startTimeUnixNano, 1_000_000_002n);
    assert.deepEqual(span.attributes, { 'messaging.system': 'nats', n: 42, f: 1.5, ok: true, list: ['a', 'b'] });
    assert.deepEqual(span.links, [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }]);
    assert.deepEqual(span.status, { code: 2, message: 'boom' });
    assert.equal(span.scope, 'converge');
    assert.deepEqual(span.resource, { 'service.name': 'chat' });
    assert.deepEqual(r.rejected(), []);
  } finally {
    await r.stop();
  }
});

test('a truncated or foreign export is refused with a reason, and the receiver keeps serving', async () => {
  const r = await startOtlpReceiver();
  try {
    const cut = await post(r.url, EXPORT.subarray(0, 40));
    assert.equal(cut.status, 400);
    assert.match(await cut.text(), /truncated/);
    assert.equal((await post(r.url, Buffer.from('{}'), { 'content-type': 'application/json' })).status, 415);
    assert.equal((await fetch(`${r.url}/v1/metrics`, { method: 'POST' })).status, 404);
    assert.deepEqual(
      r.rejected().map((x) => x.split(':')[0]),
      ['POST /v1/traces', 'POST /v1/traces', 'POST /v1/metrics'],
    );
    assert.equal((await post(r.url, EXPORT)).status, 200);
    assert.equal(r.spans().length, 1);
  } finally {
    await r.stop();
  }
});
