import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startTracing, TraceScope, type Tracing } from '../../src/observe/index.js';
import { startOtlpReceiver, tracingTo, type OtlpReceiver } from '../helpers/otlp-receiver.js';

// Skein's own spans (recorded-span.ts), exported by the SDK's batch processor and OTLP
// exporter to a receiver: what a collector gets must be what the API calls said.

describe('recorded spans, as a collector receives them', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = await startTracing(tracingTo(receiver.url), '1.2.3', logger);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await receiver?.close();
  });

  it('carries wall-clock start and end times, the parent, kind, attributes, status and the last name given', async () => {
    // Span times are the monotonic clock anchored once to the wall clock (as the SDK's are),
    // so they are compared with that clock: a wall clock being corrected (NTP slewing it by
    // milliseconds a second, as seen on CI's machines) drifts from it while a process runs.
    const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
    const before = nowNs();
    const root = tracing.start('first name', { kind: SpanKind.SERVER, attributes: { 'a.string': 'x', 'a.number': 7 } }, ROOT_CONTEXT);
    const child = tracing.start('child', { kind: SpanKind.CLIENT, attributes: { 'a.list': ['p', 'q'] } }, root.context);
    child.span.setAttribute('later', true);
    child.span.setAttribute('ignored', undefined as never);
    child.span.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed' });
    // UNSET never overrides a status that was set.
    child.span.setStatus({ code: SpanStatusCode.UNSET });
    child.span.end();
    // Nothing changes an ended span.
    child.span.setAttribute('after.end', 1);
    child.span.updateName('renamed after end');
    root.span.updateName('second name');
    root.span.setStatus({ code: SpanStatusCode.OK });
    root.span.setStatus({ code: SpanStatusCode.ERROR, message: 'too late: OK is final' });
    root.span.end();
    const after = nowNs();

    const traceId = root.span.spanContext().traceId;
    const spans = await receiver.waitFor((all) => all.filter((s) => s.traceId === traceId).length === 2).then((all) => all.filter((s) => s.traceId === traceId));
    const exportedRoot = spans.find((s) => s.spanId === root.span.spanContext().spanId)!;
    const exportedChild = spans.find((s) => s.spanId === child.span.spanContext().spanId)!;

    expect(exportedRoot).toMatchObject({ name: 'second name', kind: 2, parentSpanId: undefined, status: { code: 1 }, attributes: { 'a.string': 'x', 'a.number': 7 } });
    expect(exportedRoot.resource).toMatchObject({ 'service.name': 'skein-test', 'service.version': '1.2.3' });
    expect(exportedChild).toMatchObject({ name: 'child', kind: 3, parentSpanId: exportedRoot.spanId, status: { code: 2, message: 'it failed' } });
    expect(exportedChild.attributes).toEqual({ 'a.list': ['p', 'q'], later: true });
    for (const span of [exportedRoot, exportedChild]) {
      expect(span.start).toBeGreaterThanOrEqual(before - 1_000n);
      // A wall-clock time (epoch nanoseconds), not one since the process started.
      expect(Number(span.start / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
      expect(span.end).toBeGreaterThanOrEqual(span.start);
      expect(span.end).toBeLessThanOrEqual(after);
    }
    // The child lies within its parent.
    expect(exportedChild.start).toBeGreaterThanOrEqual(exportedRoot.start);
    expect(exportedChild.end).toBeLessThanOrEqual(exportedRoot.end);
  });

  it('exports its name and string values unchanged in protobuf, whatever V8 made them of, non-ASCII text included', async () => {
    const protobufReceiver = await startOtlpReceiver();
    const protobufTracing = await startTracing(tracingTo(protobufReceiver.url, { protocol: 'http/protobuf' }), '1.2.3', logger);
    try {
      const prefix = ['Zürich', 'größe'].join(' ');
      const joined = `${prefix} ✓ ${'x'.repeat(40)}`; // a concatenated string
      const sliced = `  ${joined}  `.slice(2, -2); // a slice of a longer one
      const { span } = protobufTracing.start(joined, { attributes: { 'a.joined': joined, 'a.sliced': sliced, 'a.number': 3 } }, ROOT_CONTEXT);
      span.setAttribute('a.later', `later ${prefix}`);
      span.end();
      await protobufTracing.flush();
      const body = Buffer.concat(protobufReceiver.protobuf);
      // Each string as protobuf carries it: its UTF-8 bytes, after a one-byte length below 128.
      const field = (text: string) => Buffer.concat([Buffer.from([Buffer.byteLength(text)]), Buffer.from(text, 'utf8')]);
      for (const text of [joined, `later ${prefix}`]) expect(body.includes(field(text))).toBe(true);
      expect(body.indexOf(field(joined))).not.toBe(body.lastIndexOf(field(joined)));
    } finally {
      await protobufTracing.shutdown();
      await protobufReceiver.close();
    }
  });

  it('continues a remote parent\'s trace, and a parent-based sampler follows an unsampled parent without recording', async () => {
    const sampledParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const continued = tracing.start('continued', {}, sampledParent);
    expect(continued.span.spanContext().traceId).toBe('a'.repeat(32));
    expect(continued.span.isRecording()).toBe(true);
    continued.span.end();

    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: true });
    const dropped = tracing.start('dropped', {}, unsampledParent);
    // Not recorded, but it still carries the trace (and its own id) to upstreams.
    expect(dropped.span.isRecording()).toBe(false);
    expect(dropped.span.spanContext()).toMatchObject({ traceId: 'c'.repeat(32), traceFlags: TraceFlags.NONE });
    expect(tracing.traceHeaders(dropped.context)?.traceparent).toMatch(new RegExp(`^00-${'c'.repeat(32)}-[0-9a-f]{16}-00$`));
    dropped.span.end();

    const spans = await receiver.waitFor((all) => all.some((s) => s.traceId === 'a'.repeat(32)));
    expect(spans.find((s) => s.traceId === 'a'.repeat(32))).toMatchObject({ name: 'continued', parentSpanId: 'b'.repeat(16) });
    await tracing.flush();
    expect(receiver.spans.some((s) => s.traceId === 'c'.repeat(32))).toBe(false);
  });
  it('under a parent-based sampler, a span under one of Skein\'s own records exactly when that span does, with its flags and trace state', async () => {
    const ratio = await startTracing(tracingTo(receiver.url, { sampler: { name: 'parentbased_traceidratio', ratio: 0.5 } }), '1.2.3', logger);
    try {
      const decisions = new Set<boolean>();
      for (let i = 0; i < 200; i++) {
        const root = ratio.start('root', {}, ROOT_CONTEXT);
        const child = ratio.start('child', { kind: SpanKind.CLIENT }, root.context);
        const grandchild = ratio.start('grandchild', {}, child.context);
        decisions.add(root.span.isRecording());
        for (const span of [child.span, grandchild.span]) {
          expect(span.isRecording()).toBe(root.span.isRecording());
          expect(span.spanContext()).toMatchObject({ traceId: root.span.spanContext().traceId, traceFlags: root.span.spanContext().traceFlags });
        }
        for (const { span } of [grandchild, child, root]) span.end();
      }
      // The ratio sampler decided the roots both ways: the children followed each.
      expect(decisions).toEqual(new Set([true, false]));

      // A remote parent's trace state reaches the spans under the one continuing it.
      const remote = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: 'e'.repeat(32),
        spanId: 'f'.repeat(16),
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: new TraceState('vendor=abc'),
      });
      const request = ratio.start('request', {}, remote);
      const call = ratio.start('call', {}, request.context);
      expect(call.span.isRecording()).toBe(true);
      expect(call.span.spanContext().traceState?.serialize()).toBe('vendor=abc');
      expect(ratio.traceHeaders(call.context)).toEqual({ traceparent: `00-${'e'.repeat(32)}-${call.span.spanContext().spanId}-01`, tracestate: 'vendor=abc' });
      call.span.end();
      request.span.end();
    } finally {
      await ratio.shutdown();
    }
  });
  it('passes the trace on in a copy of a call\'s headers, its own traceparent winning over one the call carried', async () => {
    const request = tracing.start('request', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const scope = new TraceScope(tracing, request.context);
    const call = scope.start('call', { kind: SpanKind.CLIENT });
    const ours = `00-${call.span.spanContext().traceId}-${call.span.spanContext().spanId}-01`;
    const headers = { accept: 'application/json', 'x-tenant': 't1' };
    expect(scope.headersUnder(call.context, headers)).toEqual({ accept: 'application/json', 'x-tenant': 't1', traceparent: ours });
    expect(headers).toEqual({ accept: 'application/json', 'x-tenant': 't1' });
    // A forwarded (stale) traceparent is replaced; the call's span is the upstream's parent.
    expect(scope.headersUnder(call.context, { accept: 'application/json', traceparent: '00-stale' })).toEqual({ accept: 'application/json', traceparent: ours });
    call.span.end();
    request.span.end();
  });
});
