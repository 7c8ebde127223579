import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Logger } from './logger.js';
import { redactText } from './logger.js';

/** An OTLP exporter of batches of spans: of span objects (the SDK's `SpanExporter`), or encoded (`EncodedSpans`). */
export interface Exporter<Batch extends { readonly length: number }> {
  export(batch: Batch, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * The OTLP exporter, telling the log when the collector stops taking spans (once, with
 * the reason) and when it takes them again. OpenTelemetry's own diagnostics are a
 * process-wide global that is silent by default; without this an operator would not
 * learn that traces are being lost.
 */
export class ReportingExporter<Batch extends { readonly length: number }> implements Exporter<Batch> {
  #failing = false;

  constructor(
    readonly inner: Exporter<Batch>,
    readonly endpoint: string,
    readonly logger: Logger,
  ) {}

  export(batch: Batch, done: (result: ExportResult) => void): void {
    this.inner.export(batch, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.#failing) this.logger.info(`the trace collector at ${this.#where()} takes spans again`);
        this.#failing = false;
      } else if (!this.#failing) {
        this.#failing = true;
        const reason = result.error ? redactText(result.error.message) : 'unknown error';
        this.logger.warn(`the trace collector at ${this.#where()} did not take ${batch.length} span(s) (${reason}); spans are dropped until it does`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  /** The collector's origin and path: no credentials, no query. */
  #where(): string {
    try {
      const url = new URL(this.endpoint);
      return `${url.protocol}//${url.host}${url.pathname}`;
    } catch {
      return 'the configured endpoint';
    }
  }
}
