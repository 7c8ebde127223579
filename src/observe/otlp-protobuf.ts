import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/**
 * The spans of one resource and scope (a gateway's), encoded as OTLP protobuf one by one
 * as they end, then sealed into one export request (`ExportTraceServiceRequest`): the
 * bytes the SDK's `ProtobufTraceSerializer` writes for the same spans, field for field
 * (tested against it), written for less. The SDK's serializer reads every string a
 * character at a time, twice (once to size it, once to write it), and it needs the spans
 * kept until their batch is exported: kept that long, a busy gateway's spans outlive
 * young-generation collections and are copied into the old generation. Here a span is
 * bytes once it ends, and its objects die with its request. A span's attributes are
 * mostly the same few keys with a few values each (method, route, source, operation,
 * status), so the encoding of each key and value pair is kept and copied in.
 */
/** A sealed batch: one export request's bytes, and how many spans it holds (`length`, as an array of them would say). */
export interface EncodedSpans {
  readonly bytes: Uint8Array;
  readonly length: number;
}

export class SpanBatchEncoder {
  readonly #spans = new Writer();
  /** The ResourceSpans' fields before its ScopeSpans, and the ScopeSpans' before its spans; the schema URLs after. */
  readonly #resource: Uint8Array;
  readonly #scope: Uint8Array;
  readonly #scopeSchemaUrl: Uint8Array;
  readonly #resourceSchemaUrl: Uint8Array;
  /** Spans in the open batch. */
  count = 0;

  constructor(resource: Resource, scope: InstrumentationScope) {
    this.#resource = bytesOf((out) => writeResource(out, resource));
    this.#scope = bytesOf((out) => writeScope(out, scope));
    this.#scopeSchemaUrl = bytesOf((out) => scope.schemaUrl && out.stringField(3, scope.schemaUrl));
    this.#resourceSchemaUrl = bytesOf((out) => resource.schemaUrl && out.stringField(3, resource.schemaUrl));
  }

  /** Encodes `span` (of this encoder's resource and scope) into the open batch. */
  add(span: ReadableSpan): void {
    writeSpan(this.#spans, span);
    this.count++;
  }

  /** The open batch as one export request; the next batch starts empty. */
  seal(): EncodedSpans {
    const spans = this.#spans.bytes();
    const scopeSpans = this.#scope.length + spans.length + this.#scopeSchemaUrl.length;
    const resourceSpans = this.#resource.length + 1 + varintSize(scopeSpans) + scopeSpans + this.#resourceSchemaUrl.length;
    const request = new Writer(1 + varintSize(resourceSpans) + resourceSpans);
    request.tag(1, LENGTH_DELIMITED);
    request.varint(resourceSpans);
    request.raw(this.#resource);
    request.tag(2, LENGTH_DELIMITED);
    request.varint(scopeSpans);
    request.raw(this.#scope);
    request.raw(spans);
    request.raw(this.#scopeSchemaUrl);
    request.raw(this.#resourceSchemaUrl);
    const sealed = { bytes: request.bytes(), length: this.count };
    this.#spans.reset();
    this.count = 0;
    return sealed;
  }
}

function bytesOf(write: (out: Writer) => void): Uint8Array {
  const out = new Writer(64);
  write(out);
  return out.bytes().slice();
}

/** Protobuf wire types. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

// Span flags (W3C trace flags, and whether the parent's context is known to be remote).
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

/**
 * A growing buffer with the protobuf primitives. A nested message's length is written
 * before it: one byte is reserved for it, and the message is moved along when its length
 * takes more (the SDK's writer does the same, so the bytes match).
 */
class Writer {
  #buffer: Buffer;
  pos = 0;

  constructor(size = 64 * 1024) {
    this.#buffer = Buffer.allocUnsafe(size);
  }

  reset(): void {
    this.pos = 0;
  }

  /** What was written, not copied: valid until the writer writes again. */
  bytes(): Uint8Array {
    // A plain Uint8Array: a Buffer's slice() would be another view, not a copy.
    return new Uint8Array(this.#buffer.buffer, this.#buffer.byteOffset, this.pos);
  }

  #room(size: number): void {
    if (this.pos + size <= this.#buffer.length) return;
    let length = this.#buffer.length * 2;
    while (length < this.pos + size) length *= 2;
    const grown = Buffer.allocUnsafe(length);
    this.#buffer.copy(grown, 0, 0, this.pos);
    this.#buffer = grown;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  varint(value: number): void {
    if (value < 0 || value > 0xffffffff) return this.#varint64(value);
    this.#room(5);
    const buffer = this.#buffer;
    while (value > 0x7f) {
      buffer[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[this.pos++] = value;
  }

  /** A negative or large integer: its 64-bit two's complement, as protobuf's int64 wants. */
  #varint64(value: number): void {
    let rest = BigInt.asUintN(64, BigInt(value));
    this.#room(10);
    while (rest > 0x7fn) {
      this.#buffer[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#buffer[this.pos++] = Number(rest);
  }

  fixed32(value: number): void {
    this.#room(4);
    this.#uint32(value >>> 0);
  }

  /** An unsigned 32-bit value, little-endian, byte by byte (cheaper than a Buffer method call). */
  #uint32(value: number): void {
    const buffer = this.#buffer;
    const at = this.pos;
    buffer[at] = value;
    buffer[at + 1] = value >>> 8;
    buffer[at + 2] = value >>> 16;
    buffer[at + 3] = value >>> 24;
    this.pos = at + 4;
  }

  double(value: number): void {
    this.#room(8);
    this.pos = this.#buffer.writeDoubleLE(value, this.pos);
  }

  /** Epoch nanoseconds of an HrTime as fixed64: more than 2^53, so in two 32-bit halves. */
  time([seconds, nanos]: HrTime): void {
    // seconds × 10^9 + nanos = high16 × 2^16 × 10^9 + low16 × 10^9 + nanos, each part exact.
    const low16 = seconds & 0xffff;
    const high16 = (seconds - low16) / 0x10000;
    const fromHigh = high16 * 1e9; // × 2^16 below: its upper part is fromHigh / 2^16
    const fromLow = low16 * 1e9 + nanos;
    const lowSum = (fromHigh % 0x10000) * 0x10000 + (fromLow % 0x100000000);
    const low = lowSum % 0x100000000;
    const high = Math.floor(fromHigh / 0x10000) + Math.floor(fromLow / 0x100000000) + Math.floor(lowSum / 0x100000000);
    this.#room(8);
    this.#uint32(low);
    this.#uint32(high >>> 0);
  }

  string(text: string): void {
    // A short ASCII string is copied a character at a time: a call into Node's UTF-8
    // encoder costs more than the copy. Anything else goes to that encoder.
    if (text.length < 0x80 && this.#ascii(text)) return;
    const length = Buffer.byteLength(text, 'utf8');
    this.varint(length);
    this.#room(length);
    this.pos += this.#buffer.write(text, this.pos, length, 'utf8');
  }

  stringField(field: number, text: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.string(text);
  }

  /** Writes `text` (under 128 characters) with its length when it is all ASCII; else writes nothing and says so. */
  #ascii(text: string): boolean {
    const length = text.length;
    this.#room(length + 1);
    const buffer = this.#buffer;
    const start = this.pos + 1;
    for (let i = 0; i < length; i++) {
      const code = charCodeAt.call(text, i);
      if (code >= 0x80) return false;
      buffer[start + i] = code;
    }
    buffer[this.pos] = length;
    this.pos = start + length;
    return true;
  }

  /**
   * Bytes of a trace or span id: lower-case hex by construction (Skein's id generator's,
   * or a `traceparent` the propagator validated), decoded here rather than by a call into
   * Node's hex decoder, which costs more than the decoding.
   */
  hex(field: number, text: string): void {
    const length = text.length >>> 1;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.#room(length);
    const buffer = this.#buffer;
    const at = this.pos;
    for (let i = 0; i < length; i++) buffer[at + i] = (HEX_VALUES[charCodeAt.call(text, 2 * i)] << 4) | HEX_VALUES[charCodeAt.call(text, 2 * i + 1)];
    this.pos = at + length;
  }

  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a nested message in `field`; `end` with what this returns. */
  beginField(field: number): number {
    this.tag(field, LENGTH_DELIMITED);
    return this.begin();
  }

  begin(): number {
    this.#room(1);
    return this.pos++;
  }

  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.#buffer[start] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.#room(extra);
    this.#buffer.copyWithin(start + 1 + extra, start + 1, this.pos);
    this.pos += extra;
    const end = this.pos;
    this.pos = start;
    this.varint(length);
    this.pos = end;
  }
}

/**
 * `String.prototype.charCodeAt`, called as a known function: `text.charCodeAt` is a property
 * lookup on the string, and the strings written here come in many representations (flat,
 * concatenated, sliced, internalized), each its own map, so that lookup goes megamorphic.
 */
const charCodeAt = String.prototype.charCodeAt;

/** The value of each lower-case hex digit, by its character code (`0`–`9`, `a`–`f`). */
const HEX_VALUES = new Uint8Array(0x80);
for (let digit = 0; digit < 16; digit++) HEX_VALUES[digit.toString(16).charCodeAt(0)] = digit;

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

function writeResource(out: Writer, resource: Resource): void {
  const start = out.beginField(1);
  writeAttributes(out, 1, resource.attributes as Attributes);
  out.tag(2, VARINT);
  out.varint(0);
  out.end(start);
}

function writeScope(out: Writer, scope: InstrumentationScope): void {
  const start = out.beginField(1);
  out.stringField(1, scope.name);
  if (scope.version) out.stringField(2, scope.version);
  out.end(start);
}

function writeSpan(out: Writer, span: ReadableSpan): void {
  const start = out.beginField(2);
  const context = span.spanContext();
  out.hex(1, context.traceId);
  out.hex(2, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) out.stringField(3, traceState);
  if (span.parentSpanContext?.spanId) out.hex(4, span.parentSpanContext.spanId);
  writeName(out, span.name);
  // The API's kinds count from INTERNAL = 0; OTLP's from UNSPECIFIED = 0.
  out.tag(6, VARINT);
  out.varint(span.kind + 1);
  out.tag(7, FIXED64);
  out.time(span.startTime);
  out.tag(8, FIXED64);
  out.time(span.endTime);
  writeAttributes(out, 9, span.attributes);
  out.tag(10, VARINT);
  out.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(out, event);
  out.tag(12, VARINT);
  out.varint(span.droppedEventsCount);
  for (const link of span.links) writeLink(out, link);
  out.tag(14, VARINT);
  out.varint(span.droppedLinksCount);
  writeStatus(out, span.status);
  out.tag(16, FIXED32);
  out.fixed32(flagsOf(context, span.parentSpanContext?.isRemote));
  out.end(start);
}

function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (remote ? FLAGS_IS_REMOTE : 0);
}

function writeStatus(out: Writer, status: SpanStatus): void {
  const start = out.beginField(15);
  if (status.message) out.stringField(2, status.message);
  out.tag(3, VARINT);
  out.varint(status.code);
  out.end(start);
}

function writeEvent(out: Writer, event: TimedEvent): void {
  const start = out.beginField(11);
  out.tag(1, FIXED64);
  out.time(event.time);
  out.stringField(2, event.name);
  if (event.attributes) writeAttributes(out, 3, event.attributes);
  out.tag(4, VARINT);
  out.varint(event.droppedAttributesCount ?? 0);
  out.end(start);
}

function writeLink(out: Writer, link: Link): void {
  const start = out.beginField(13);
  out.hex(1, link.context.traceId);
  out.hex(2, link.context.spanId);
  const traceState = link.context.traceState?.serialize();
  if (traceState) out.stringField(3, traceState);
  if (link.attributes) writeAttributes(out, 4, link.attributes);
  out.tag(5, VARINT);
  out.varint(link.droppedAttributesCount ?? 0);
  out.tag(6, FIXED32);
  out.fixed32(flagsOf(link.context, link.context.isRemote));
  out.end(start);
}

/**
 * Encoded span names and attribute pairs, by name and by key then value. Bounded: a key
 * whose values are all different (a request id) stops being kept after `KEPT_PER_KEY`
 * values, and its further values are written each time, as are names past `KEPT_NAMES`
 * and keys past `KEPT_KEYS`.
 */
const KEPT_KEYS = 256;
const KEPT_PER_KEY = 256;
const KEPT_NAMES = 1024;
const names = new Map<string, Uint8Array>();
const pairs = new Map<string, Map<AttributeValue, Uint8Array>>();
const entryWriter = new Writer();

function writeName(out: Writer, name: string): void {
  const encoded = names.get(name);
  if (encoded) return out.raw(encoded);
  if (names.size >= KEPT_NAMES) return out.stringField(5, name);
  entryWriter.reset();
  entryWriter.stringField(5, name);
  out.raw(keep(names, name));
}

// No callbacks here: a closure per attribute was most of what encoding a span allocated.
function writeAttributes(out: Writer, field: number, attributes: Attributes): void {
  for (const key of Object.keys(attributes)) {
    const value = attributes[key] as AttributeValue;
    out.tag(field, LENGTH_DELIMITED);
    // Arrays are rare: written each time.
    const values = typeof value === 'object' ? undefined : valuesOf(key);
    const encoded = values?.get(value);
    if (encoded) {
      out.raw(encoded);
    } else if (!values || values.size >= KEPT_PER_KEY) {
      writeKeyValueMessage(out, key, value);
    } else {
      entryWriter.reset();
      writeKeyValueMessage(entryWriter, key, value);
      out.raw(keep(values, value));
    }
  }
}

/** What `entryWriter` holds, kept in `kept` under `key`. */
function keep<K>(kept: Map<K, Uint8Array>, key: K): Uint8Array {
  const bytes = entryWriter.bytes().slice();
  kept.set(key, bytes);
  return bytes;
}

/** The kept encodings of a key's values; undefined when no more keys are kept. */
function valuesOf(key: string): Map<AttributeValue, Uint8Array> | undefined {
  let values = pairs.get(key);
  if (!values && pairs.size < KEPT_KEYS) pairs.set(key, (values = new Map()));
  return values;
}

/** A KeyValue message, its length first. */
function writeKeyValueMessage(out: Writer, key: string, value: unknown): void {
  const start = out.begin();
  writeKeyValue(out, key, value);
  out.end(start);
}

function writeKeyValue(out: Writer, key: string, value: unknown): void {
  out.stringField(1, key);
  const start = out.beginField(2);
  writeAnyValue(out, value);
  out.end(start);
}

/** An attribute value as OTLP's AnyValue (the SDK's choices: integers as int64, other numbers as double). */
function writeAnyValue(out: Writer, value: unknown): void {
  if (typeof value === 'string') {
    out.stringField(1, value);
  } else if (typeof value === 'boolean') {
    out.tag(2, VARINT);
    out.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      out.tag(3, VARINT);
      out.varint(value);
    } else {
      out.tag(4, FIXED64);
      out.double(value);
    }
  } else if (value instanceof Uint8Array) {
    out.tag(7, LENGTH_DELIMITED);
    out.varint(value.length);
    out.raw(value);
  } else if (Array.isArray(value)) {
    const array = out.beginField(5);
    for (const item of value) {
      const start = out.beginField(1);
      writeAnyValue(out, item);
      out.end(start);
    }
    out.end(array);
  } else if (typeof value === 'object' && value !== null) {
    const list = out.beginField(6);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const start = out.beginField(1);
      writeKeyValue(out, key, (value as Record<string, unknown>)[key]);
      out.end(start);
    }
    out.end(list);
  }
}
