import { ROOT_CONTEXT, SpanKind, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EncodingBatchProcessor } from '../../src/observe/encoding-batch-processor.js';
import { SpanBatchEncoder, type EncodedSpans } from '../../src/observe/otlp-protobuf.js';
import { RecordedSpan, type SpanSink } from '../../src/observe/recorded-span.js';
import { captureLog } from '../helpers/log-capture.js';

// The batch processor of protobuf exports: the SDK's batching contract (by size, by delay,
// a bounded queue that drops rather than waits, flush, shutdown), with each span encoded as
// it ends. Time is vitest's fake clock: the scheduled delay passes when the test says so.

/** An exporter that keeps each batch until the test finishes it. */
function heldExporter() {
  const batches: { batch: EncodedSpans; finish: (result?: ExportResult) => void }[] = [];
  let shutDown = false;
  const exporter = {
    export(batch: EncodedSpans, done: (result: ExportResult) => void) {
      batches.push({ batch, finish: (result = { code: ExportResultCode.SUCCESS }) => done(result) });
    },
    async shutdown() {
      shutDown = true;
    },
  };
  return { exporter, batches, isShutDown: () => shutDown };
}

const resource = resourceFromAttributes({ 'service.name': 'skein-test' });
const scope = { name: 'skein', version: '1.2.3' };

function setup(limits: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMs?: number } = {}) {
  const held = heldExporter();
  const log = captureLog();
  const processor = new EncodingBatchProcessor(
    new SpanBatchEncoder(resource, scope),
    held.exporter,
    { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMs: 5_000, ...limits },
    log.logger,
  );
  const sink: SpanSink = { processor: processor as SpanProcessor, resource, scope };
  let next = 0;
  const end = (sampled = true) => {
    const id = (0x1000000000000000n + BigInt(next++)).toString(16);
    const span = new RecordedSpan(sink, {
      name: `span ${id}`,
      kind: SpanKind.INTERNAL,
      spanContext: { traceId: 'a'.repeat(32), spanId: id, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE },
      parentSpanContext: undefined,
      attributes: { n: next },
      parent: ROOT_CONTEXT,
    });
    span.end();
    return span;
  };
  return { processor, ...held, log, end };
}

describe('EncodingBatchProcessor', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('exports a full batch at once, in the order the spans ended, as the SDK would encode them', () => {
    const { batches, end } = setup({ maxExportBatchSize: 3 });
    const spans = [end(), end()];
    expect(batches).toHaveLength(0);
    spans.push(end());
    expect(batches).toHaveLength(1);
    expect(batches[0].batch.length).toBe(3);
    expect(Buffer.from(batches[0].batch.bytes).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!))).toBe(true);
    spans.push(end(), end(), end());
    expect(batches.map(({ batch }) => batch.length)).toEqual([3, 3]);
    expect(Buffer.from(batches[1].batch.bytes).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans.slice(3))!))).toBe(true);
  });

  it('exports a partial batch once the scheduled delay has passed since its first span', () => {
    const { batches, end } = setup({ scheduledDelayMs: 5_000 });
    end();
    vi.advanceTimersByTime(3_000);
    end();
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(2_000);
    expect(batches.map(({ batch }) => batch.length)).toEqual([2]);
    // Nothing ended since: no timer, no empty export.
    vi.advanceTimersByTime(60_000);
    expect(batches).toHaveLength(1);
  });

  it('does not export spans recorded but not sampled', () => {
    const { processor, batches, end } = setup();
    end(false);
    end();
    void processor.forceFlush();
    expect(batches.map(({ batch }) => batch.length)).toEqual([1]);
  });

  it('drops spans while the queue is full, says so once, and says how many when it has drained', async () => {
    const { batches, end, log } = setup({ maxQueueSize: 4, maxExportBatchSize: 2 });
    for (let i = 0; i < 4; i++) end();
    expect(batches).toHaveLength(2);
    // The collector has not answered: four spans wait, the next seven are dropped.
    for (let i = 0; i < 7; i++) end();
    expect(batches).toHaveLength(2);
    const warnings = log.entries().filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('4 spans are waiting for the trace collector');
    // One batch through: room for two spans again, but the other batch is still out.
    batches[0].finish();
    await vi.advanceTimersByTimeAsync(0);
    end();
    end();
    expect(batches).toHaveLength(3);
    // Both of the first through (one failed: the spans are gone all the same): the count is reported.
    batches[1].finish({ code: ExportResultCode.FAILED, error: new Error('refused') });
    await vi.advanceTimersByTimeAsync(0);
    expect(log.entries().filter((entry) => entry.level === 'info').map((entry) => entry.msg)).toEqual(['7 spans were dropped while the trace collector\'s queue was full']);
    expect(log.entries().filter((entry) => entry.level === 'warn')).toHaveLength(1);
  });

  it('a flush exports what is encoded and waits for every export under way; shutdown flushes, stops the exporter and drops later spans', async () => {
    const { processor, batches, end, isShutDown } = setup({ maxExportBatchSize: 2 });
    end();
    end();
    end();
    let flushed = false;
    const flush = processor.forceFlush().then(() => (flushed = true));
    expect(batches.map(({ batch }) => batch.length)).toEqual([2, 1]);
    batches[1].finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    batches[0].finish();
    await flush;
    end();
    const shutdown = processor.shutdown();
    expect(batches.map(({ batch }) => batch.length)).toEqual([2, 1, 1]);
    batches[2].finish();
    await shutdown;
    expect(isShutDown()).toBe(true);
    end();
    await processor.forceFlush();
    expect(batches).toHaveLength(3);
  });
});
