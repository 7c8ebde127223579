import { ROOT_CONTEXT, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { SamplerSetting, TracingSettings } from './tracing-settings.js';
import type { Logger } from './logger.js';
import { ReportingExporter } from './reporting-exporter.js';
import { SEMCONV } from './attributes.js';

/** Headers as Node gives them (lower-case names) or as Skein builds them for upstreams. */
type HeaderCarrier = Readonly<Record<string, string | string[] | undefined>>;

const headerGetter = {
  keys: (carrier: HeaderCarrier) => Object.keys(carrier),
  get: (carrier: HeaderCarrier, key: string) => carrier[key],
};
const headerSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value),
};

/**
 * The gateway's tracer: its own provider (not the process-wide global, so two gateways in
 * one process, as in tests, export to their own collectors), the W3C Trace Context
 * propagator, and a batch processor in front of the OTLP/HTTP exporter. The batch
 * processor queues finished spans (at most `maxQueueSize`; more are dropped) and exports
 * them off the request path, so a collector that is down or slow costs requests nothing.
 * Context is passed explicitly (`TraceScope`), never through a global context manager.
 */
export class Tracing {
  readonly tracer: Tracer;
  readonly #provider: BasicTracerProvider;
  readonly #propagator = new W3CTraceContextPropagator();

  /** `logger` hears when the collector stops (and starts again) taking spans. */
  constructor(settings: TracingSettings, version: string, logger: Logger) {
    const exporterOptions = { url: settings.endpoint, headers: { ...settings.headers }, timeoutMillis: settings.exportTimeoutMs };
    const otlp = settings.protocol === 'http/json' ? new JsonExporter(exporterOptions) : new ProtobufExporter(exporterOptions);
    const exporter = new ReportingExporter(otlp, settings.endpoint, logger);
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ ...settings.resourceAttributes, [SEMCONV.serviceName]: settings.serviceName, [SEMCONV.serviceVersion]: version }),
      sampler: samplerOf(settings.sampler),
      spanProcessors: [
        new BatchSpanProcessor(exporter, {
          maxQueueSize: settings.maxQueueSize,
          maxExportBatchSize: Math.min(settings.maxExportBatchSize, settings.maxQueueSize),
          scheduledDelayMillis: settings.scheduledDelayMs,
          exportTimeoutMillis: settings.exportTimeoutMs,
        }),
      ],
    });
    this.tracer = this.#provider.getTracer('skein', version);
  }

  /**
   * The context a request continues: the trace of its `traceparent` (and `tracestate`)
   * when that parses, else the root, so a new trace starts. A malformed header is ignored.
   */
  extract(headers: HeaderCarrier): Context {
    return this.#propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  }

  /** Writes `traceparent` (and `tracestate`) of the span in `context` into headers sent upstream. */
  inject(context: Context, headers: Record<string, string>): void {
    this.#propagator.inject(context, headers, headerSetter);
  }

  /** Starts a span under `parent`; returns it with the context its children start under. */
  start(name: string, options: SpanOptions, parent: Context): { readonly span: Span; readonly context: Context } {
    const span = this.tracer.startSpan(name, options, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Exports what is queued. */
  flush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  /** Exports what is queued and stops; spans ended later are dropped. */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

function samplerOf({ name, ratio }: SamplerSetting): Sampler {
  const root =
    name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
