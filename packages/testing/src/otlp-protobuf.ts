// Decodes an OTLP/HTTP protobuf trace export (ExportTraceServiceRequest, opentelemetry-proto
// trace/v1) into plain spans. The OTel JS packages ship only an encoder for requests (and a reader
// for responses), so the receiver reads the protobuf wire format itself: only the fields tests look at.

export type AttributeValue = string | number | boolean | null | AttributeValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** SpanKind as OTLP numbers it: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AttributeValue>;
  links: { traceId: string; spanId: string }[];
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** The instrumentation scope's name (`@opentelemetry/instrumentation-pg`, `converge`). */
  scope: string;
  /** The resource's attributes (`service.name`). */
  resource: Record<string, AttributeValue>;
}

/** A protobuf message read field by field: `[fieldNumber, wireType, value]`. */
type Field = [number, number, bigint | Uint8Array];

// The bytes' own window of their buffer: a Buffer is often a slice of a larger pooled one.
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  private varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
    throw new Error('OTLP protobuf: varint too long');
  }

  private byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new Error('OTLP protobuf: truncated message');
    return b;
  }

  private take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Error('OTLP protobuf: truncated message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fields(): Field[] {
    const out: Field[] = [];
    while (this.pos < this.buf.length) {
      const tag = Number(this.varint());
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) throw new Error('OTLP protobuf: field number 0');
      if (wire === 0) out.push([field, wire, this.varint()]);
      else if (wire === 1) out.push([field, wire, view(this.take(8)).getBigUint64(0, true)]);
      else if (wire === 2) out.push([field, wire, this.take(Number(this.varint()))]);
      else if (wire === 5) out.push([field, wire, BigInt(view(this.take(4)).getUint32(0, true))]);
      else throw new Error(`OTLP protobuf: unsupported wire type ${wire}`);
    }
    return out;
  }
}

const fieldsOf = (b: Uint8Array): Field[] => new Reader(b).fields();
const bytes = (v: bigint | Uint8Array): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array());
const num = (v: bigint | Uint8Array): bigint => (typeof v === 'bigint' ? v : 0n);
const hex = (v: bigint | Uint8Array): string => Buffer.from(bytes(v)).toString('hex');
const text = (v: bigint | Uint8Array): string => Buffer.from(bytes(v)).toString('utf8');

function anyValue(b: Uint8Array): AttributeValue {
  for (const [f, , v] of fieldsOf(b)) {
    if (f === 1) return text(v);
    if (f === 2) return num(v) !== 0n;
    if (f === 3) return Number(BigInt.asIntN(64, num(v)));
    if (f === 4) {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, num(v), true);
      return dv.getFloat64(0, true);
    }
    if (f === 5) return fieldsOf(bytes(v)).map(([, , e]) => anyValue(bytes(e)));
    if (f === 7) return hex(v);
  }
  return null;
}

function keyValues(list: Uint8Array[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list) {
    let key = '';
    let value: AttributeValue = null;
    for (const [f, , v] of fieldsOf(kv)) {
      if (f === 1) key = text(v);
      if (f === 2) value = anyValue(bytes(v));
    }
    out[key] = value;
  }
  return out;
}

/** The length-delimited values of field `n`. */
const repeated = (fields: Field[], n: number): Uint8Array[] => fields.filter(([f, w]) => f === n && w === 2).map(([, , v]) => bytes(v));

function span(b: Uint8Array, scope: string, resource: Record<string, AttributeValue>): ReceivedSpan {
  const fields = fieldsOf(b);
  const one = (n: number) => fields.find(([f]) => f === n)?.[2] ?? new Uint8Array();
  const status = fieldsOf(bytes(one(15)));
  return {
    traceId: hex(one(1)),
    spanId: hex(one(2)),
    parentSpanId: hex(one(4)),
    name: text(one(5)),
    kind: Number(num(one(6))),
    startTimeUnixNano: num(one(7)),
    endTimeUnixNano: num(one(8)),
    attributes: keyValues(repeated(fields, 9)),
    links: repeated(fields, 13).map((l) => {
      const lf = fieldsOf(l);
      return { traceId: hex(lf.find(([f]) => f === 1)?.[2] ?? 0n), spanId: hex(lf.find(([f]) => f === 2)?.[2] ?? 0n) };
    }),
    status: { code: Number(num(status.find(([f]) => f === 3)?.[2] ?? 0n)), message: text(status.find(([f]) => f === 2)?.[2] ?? 0n) },
    scope,
    resource,
  };
}

/** Every span of one ExportTraceServiceRequest body; throws a message naming the defect on malformed input. */
export function decodeTraceExport(body: Uint8Array): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of repeated(fieldsOf(body), 1)) {
    const rsFields = fieldsOf(rs);
    const resourceFields = repeated(rsFields, 1)[0];
    const resource = resourceFields ? keyValues(repeated(fieldsOf(resourceFields), 1)) : {};
    for (const ss of repeated(rsFields, 2)) {
      const ssFields = fieldsOf(ss);
      const scopeFields = repeated(ssFields, 1)[0];
      const scope = scopeFields ? text(fieldsOf(scopeFields).find(([f]) => f === 1)?.[2] ?? 0n) : '';
      for (const s of repeated(ssFields, 2)) out.push(span(s, scope, resource));
    }
  }
  return out;
}
