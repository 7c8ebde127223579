import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger.js';
import type { EncodedSpans, SpanBatchEncoder } from './otlp-protobuf.js';
import type { Exporter } from './reporting-exporter.js';

/** The batch processor's limits (`OTEL_BSP_*`). */
export interface BatchLimits {
  /** Spans ended and not yet exported (encoded, or on their way); past it, spans are dropped. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
}

/**
 * The SDK's batch span processor's contract (spans batched by size or delay, a bounded
 * queue that drops rather than waits, a flush, a shutdown that flushes), with each span
 * encoded the moment it ends (`SpanBatchEncoder`) rather than kept until its batch is
 * exported: a span object kept for the length of a batch outlives young-generation
 * collections, and copying it into the old generation cost a busy gateway more than the
 * encoding. What waits is bytes, outside the JavaScript heap.
 */
export class EncodingBatchProcessor implements SpanProcessor {
  readonly #encoder: SpanBatchEncoder;
  readonly #exporter: Exporter<EncodedSpans>;
  readonly #limits: BatchLimits;
  readonly #logger: Logger;
  /** Spans ended and not yet through their export. */
  #waiting = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #exports = new Set<Promise<void>>();
  #shutDown = false;

  constructor(encoder: SpanBatchEncoder, exporter: Exporter<EncodedSpans>, limits: BatchLimits, logger: Logger) {
    this.#encoder = encoder;
    this.#exporter = exporter;
    this.#limits = limits;
    this.#logger = logger;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    // A span recorded but not sampled is not exported (the SDK's rule).
    if (this.#shutDown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#waiting >= this.#limits.maxQueueSize) return this.#drop();
    this.#encoder.add(span);
    this.#waiting++;
    if (this.#encoder.count >= this.#limits.maxExportBatchSize) this.#exportBatch();
    else this.#timer ??= setTimeout(() => this.#exportBatch(), this.#limits.scheduledDelayMs).unref();
  }

  /** Exports what is encoded, and waits for every export under way. */
  async forceFlush(): Promise<void> {
    this.#exportBatch();
    await Promise.all(this.#exports);
  }

  /** Flushes, then stops: spans that end later are dropped. */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    await this.forceFlush();
    await this.#exporter.shutdown();
  }

  #exportBatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#encoder.count === 0) return;
    const batch = this.#encoder.seal();
    const exported = new Promise<void>((resolve) =>
      this.#exporter.export(batch, () => {
        // Failures are the exporter's to report (ReportingExporter); the spans are gone either way.
        this.#waiting -= batch.length;
        this.#exports.delete(exported);
        resolve();
      }),
    );
    this.#exports.add(exported);
  }

  /** Counts a dropped span; the log hears when dropping starts and, with the count, when it stops. */
  #drop(): void {
    if (this.#dropped++ === 0) {
      this.#logger.warn(`${this.#waiting} spans are waiting for the trace collector (OTEL_BSP_MAX_QUEUE_SIZE); further spans are dropped until they are through`);
      void Promise.all(this.#exports).then(() => this.#reportDropped());
    }
  }

  #reportDropped(): void {
    if (this.#waiting >= this.#limits.maxQueueSize) {
      void Promise.all(this.#exports).then(() => this.#reportDropped());
      return;
    }
    this.#logger.info(`${this.#dropped} spans were dropped while the trace collector's queue was full`);
    this.#dropped = 0;
  }
}
