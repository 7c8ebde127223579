import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { SpanBatchEncoder } from '../../src/observe/otlp-protobuf.js';
import { RecordedSpan, type SpanSink } from '../../src/observe/recorded-span.js';

// Skein's OTLP protobuf encoder is held to the SDK's own serializer: for the same spans,
// the same bytes. The spans are made through the API as Skein's code makes them, with
// everything a span can carry, and strings of every shape V8 gives them.

function sinkOf(resourceAttributes: Attributes): { sink: SpanSink; ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  const processor = { onStart() {}, onEnd: (span: ReadableSpan) => void ended.push(span), forceFlush: async () => {}, shutdown: async () => {} } as SpanProcessor;
  return { sink: { processor, resource: resourceFromAttributes(resourceAttributes), scope: { name: 'skein', version: '1.2.3' } }, ended };
}

/** The export request Skein's encoder writes for `spans`, all of one sink, added one by one as they would end. */
function encodeTraceExport(spans: readonly ReadableSpan[], encoder = new SpanBatchEncoder(spans[0].resource, spans[0].instrumentationScope)): Buffer {
  for (const span of spans) encoder.add(span);
  return Buffer.from(encoder.seal().bytes);
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';

function spanOf(sink: SpanSink, i: number): RecordedSpan {
  const remote = i % 4 === 1;
  const parent = i % 2 === 0 ? undefined : { traceId: TRACE, spanId: `00f067aa0ba902${(i % 100).toString().padStart(2, '0')}`, traceFlags: TraceFlags.SAMPLED, isRemote: remote };
  const words = ['Zürich', 'größe', '✓', '𝄞'].slice(0, i % 5);
  const attributes: Attributes = {
    'http.request.method': i % 3 === 0 ? 'GET' : 'POST',
    'skein.request_id': `req-${i}-${'x'.repeat(i % 7)}`, // new each span: more than the encoder keeps
    'a.joined': [...words, 'end'].join(' '), // a concatenated string
    'a.sliced': `  ${words.join('/')}  `.slice(2, -2), // a slice of a longer one
    'a.long': 'y'.repeat(i % 3 === 0 ? 300 : 5), // a length of more than one byte
    'http.response.status_code': 200 + (i % 5),
    'a.double': i * 1.5 + 0.25,
    'a.negative': -i - 1,
    'a.large': 2 ** 40 + i,
    'a.flag': i % 2 === 0,
    'a.list': ['p', String(i), 'q'],
    'a.numbers': [i, -i, 0.5],
  };
  const span = new RecordedSpan(sink, {
    name: i % 6 === 0 ? `query ${words.join('')}` : 'GET orders',
    kind: (i % 5) as SpanKind,
    spanContext: { traceId: TRACE, spanId: (0x1000000000000000n + BigInt(i)).toString(16), traceFlags: i % 9 === 0 ? TraceFlags.NONE : TraceFlags.SAMPLED, ...(i % 8 === 3 ? { traceState: new TraceState('vendor=abc,other=1') } : {}) },
    parentSpanContext: parent,
    attributes,
    parent: ROOT_CONTEXT,
  });
  if (i % 7 === 0) span.addEvent('exception', { 'exception.message': `failed ${i}` });
  if (i % 11 === 0) span.addLink({ context: { traceId: TRACE, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE, isRemote: true }, attributes: { 'link.kind': 'follows' } });
  if (i % 3 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${500 + (i % 4)} ✗` });
  if (i % 10 === 5) span.setStatus({ code: SpanStatusCode.OK });
  span.end();
  return span;
}

describe('OTLP protobuf encoding of recorded spans', () => {
  it('writes the bytes the SDK\'s serializer writes, for one span, a few, and a full batch, and again once its encodings are kept', () => {
    const { sink, ended } = sinkOf({ 'service.name': 'skein-test', 'service.version': '1.2.3', 'deployment.environment.name': 'prödüction', 'host.cpus': 2 });
    for (let i = 0; i < 600; i++) spanOf(sink, i);
    for (const batch of [ended.slice(0, 1), ended.slice(0, 2), ended.slice(0, 40), ended.slice(0, 512), ended]) {
      const expected = Buffer.from(ProtobufTraceSerializer.serializeRequest(batch)!);
      // Twice: the first time encodes the pairs it has not seen, the second copies them.
      expect(Buffer.from(encodeTraceExport(batch)).equals(expected)).toBe(true);
      expect(Buffer.from(encodeTraceExport(batch)).equals(expected)).toBe(true);
    }
  });

  it('names, keys and values past what it keeps are written all the same', () => {
    const { sink, ended } = sinkOf({ 'service.name': 'skein-test' });
    for (let i = 0; i < 1_500; i++) {
      const span = new RecordedSpan(sink, {
        name: `span ${i}`,
        kind: SpanKind.INTERNAL,
        spanContext: { traceId: TRACE, spanId: (0x2000000000000000n + BigInt(i)).toString(16), traceFlags: TraceFlags.SAMPLED },
        parentSpanContext: undefined,
        attributes: { [`key.${i % 400}`]: `value ${i}`, 'same.key': i },
        parent: ROOT_CONTEXT,
      });
      span.end();
    }
    expect(Buffer.from(encodeTraceExport(ended)).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(ended)!))).toBe(true);
  });

  it('seals one batch after another, each a request of its own that the next does not change, with a schema URL where the resource and scope have one', () => {
    const resource = resourceFromAttributes({ 'service.name': 'skein-test' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.38.0' });
    const scope = { name: 'skein', version: '1.2.3', schemaUrl: 'https://example.com/scope' };
    const sink = { ...sinkOf({}).sink, resource, scope };
    const encoder = new SpanBatchEncoder(resource, scope);
    const batches = [[1], [2, 3], Array.from({ length: 300 }, (_, i) => i + 4)].map((numbers) => numbers.map((i) => spanOf(sink, i)));
    const sealed = batches.map((spans) => {
      for (const span of spans) encoder.add(span);
      expect(encoder.count).toBe(spans.length);
      const batch = encoder.seal();
      expect(encoder.count).toBe(0);
      expect(batch.length).toBe(spans.length);
      return { batch, copy: Buffer.from(batch.bytes), spans };
    });
    for (const { batch, copy, spans } of sealed) {
      expect(Buffer.from(batch.bytes).equals(copy)).toBe(true);
      expect(copy.equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!))).toBe(true);
    }
  });

  it('spans made by the tracer\'s own start (not only by hand) encode the same', () => {
    // Guards against a RecordedSpan field the encoder reads differently from the SDK.
    const { sink, ended } = sinkOf({ 'service.name': 'skein-test' });
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const span = new RecordedSpan(sink, { name: 'POST /graphql', kind: SpanKind.SERVER, spanContext: { traceId: TRACE, spanId: 'a1b2c3d4e5f60718', traceFlags: TraceFlags.SAMPLED }, parentSpanContext: trace.getSpanContext(parent), attributes: {}, parent });
    span.updateName('query hotelOrder');
    span.setAttributes({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'hotelOrder' });
    span.end();
    expect(Buffer.from(encodeTraceExport(ended)).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(ended)!))).toBe(true);
  });
});
