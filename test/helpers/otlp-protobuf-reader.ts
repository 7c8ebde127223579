/**
 * Reads an OTLP/HTTP protobuf export (`ExportTraceServiceRequest`) into the shape of its
 * OTLP/JSON form (ids as hex, times and int64 values as decimal strings), so a receiver
 * decodes both protocols through one path. Only the fields a test reads: resource
 * attributes; each span's ids, trace state, name, kind, times, attributes and status.
 * Written from the OTLP proto definitions (opentelemetry-proto, trace/v1 and common/v1).
 */
export function readTraceExport(body: Uint8Array): unknown {
  return {
    resourceSpans: messages(fieldsOf(body), 1).map((resourceSpans) => ({
      resource: { attributes: messages(first(resourceSpans, 1, fieldsOf), 1).map(keyValue) },
      scopeSpans: messages(resourceSpans, 2).map((scopeSpans) => ({ spans: messages(scopeSpans, 2).map(span) })),
    })),
  };
}

type Fields = Map<number, Array<bigint | Uint8Array>>;

function span(fields: Fields): Record<string, unknown> {
  const status = first(fields, 15, fieldsOf);
  return {
    traceId: hex(first(fields, 1)),
    spanId: hex(first(fields, 2)),
    traceState: text(first(fields, 3)),
    parentSpanId: hex(first(fields, 4)),
    name: text(first(fields, 5)),
    kind: Number(first(fields, 6) ?? 0n),
    startTimeUnixNano: String(fixed64(first(fields, 7))),
    endTimeUnixNano: String(fixed64(first(fields, 8))),
    attributes: messages(fields, 9).map(keyValue),
    status: { code: Number(first(status, 3) ?? 0n), message: text(first(status, 2)) || undefined },
  };
}

function keyValue(fields: Fields): { key: string; value: Record<string, unknown> } {
  return { key: text(first(fields, 1)), value: anyValue(first(fields, 2, fieldsOf)) };
}

function anyValue(fields: Fields): Record<string, unknown> {
  if (fields.has(1)) return { stringValue: text(first(fields, 1)) };
  if (fields.has(2)) return { boolValue: first(fields, 2) === 1n };
  if (fields.has(3)) return { intValue: String(BigInt.asIntN(64, first(fields, 3) as bigint)) };
  if (fields.has(4)) return { doubleValue: Buffer.from(first(fields, 4) as Uint8Array).readDoubleLE(0) };
  if (fields.has(5)) return { arrayValue: { values: messages(first(fields, 5, fieldsOf), 1).map(anyValue) } };
  return {};
}

/** The fields of one message by number, each value as read: a varint as a bigint, anything else as its bytes. */
function fieldsOf(bytes: Uint8Array | undefined): Fields {
  const fields: Fields = new Map();
  if (!bytes) return fields;
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('a protobuf varint runs past the end of its message');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  const take = (length: number): Uint8Array => {
    if (at + length > bytes.length) throw new Error(`a protobuf field of ${length} bytes runs past the end of its message`);
    return bytes.subarray(at, (at += length));
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const wireType = tag & 7;
    const value = wireType === 0 ? varint() : wireType === 1 ? take(8) : wireType === 2 ? take(Number(varint())) : wireType === 5 ? take(4) : undefined;
    if (value === undefined) throw new Error(`unexpected protobuf wire type ${wireType} (field ${tag >> 3})`);
    const list = fields.get(tag >> 3) ?? [];
    list.push(value);
    fields.set(tag >> 3, list);
  }
  return fields;
}

function first(fields: Fields, field: number): bigint | Uint8Array | undefined;
function first(fields: Fields, field: number, read: (bytes: Uint8Array | undefined) => Fields): Fields;
function first(fields: Fields, field: number, read?: (bytes: Uint8Array | undefined) => Fields): unknown {
  const value = fields.get(field)?.[0];
  return read ? read(value as Uint8Array | undefined) : value;
}

const messages = (fields: Fields, field: number): Fields[] => (fields.get(field) ?? []).map((bytes) => fieldsOf(bytes as Uint8Array));
const text = (bytes: unknown): string => (bytes ? Buffer.from(bytes as Uint8Array).toString('utf8') : '');
const hex = (bytes: unknown): string => (bytes ? Buffer.from(bytes as Uint8Array).toString('hex') : '');
const fixed64 = (bytes: unknown): bigint => (bytes ? Buffer.from(bytes as Uint8Array).readBigUInt64LE(0) : 0n);
