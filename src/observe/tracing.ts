import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Attributes, type Context, type Link, type Span, type SpanOptions } from '@opentelemetry/api';
import { W3CTraceContextPropagator, type InstrumentationScope } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm, createOtlpNetworkExportDelegate, getSharedConfigurationDefaults, OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { createOtlpHttpExporterMetrics } from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer, type IExporterMetricsHelper, type IExportTraceServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { RecordedSpan, type SpanSink } from './recorded-span.js';
import type { SamplerSetting, TracingSettings } from './tracing-settings.js';
import type { Logger } from './logger.js';
import { ReportingExporter } from './reporting-exporter.js';
import { SEMCONV } from './attributes.js';
import { SpanBatchEncoder, type EncodedSpans } from './otlp-protobuf.js';
import { PooledIdGenerator } from './id-generator.js';
import { withSpan } from './linked-context.js';
import { EncodingBatchProcessor } from './encoding-batch-processor.js';
import { OtlpHttpTransport } from './otlp-http-transport.js';

/** The W3C Trace Context headers an upstream call carries. */
export interface TraceHeaders {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** Headers as Node gives them (lower-case names) or as Skein builds them for upstreams. */
type HeaderCarrier = Readonly<Record<string, string | string[] | undefined>>;

const headerGetter = {
  keys: (carrier: HeaderCarrier) => Object.keys(carrier),
  get: (carrier: HeaderCarrier, key: string) => carrier[key],
};

/**
 * The gateway's tracing: the SDK's sampler, batch processor and OTLP/HTTP exporter (not
 * the process-wide global provider, so two gateways in one process, as in tests, export
 * to their own collectors), the W3C Trace Context propagator, and Skein's own spans
 * (`RecordedSpan`, cheaper than the SDK's). The batch processor queues finished spans (at
 * most `maxQueueSize`; more are dropped) and exports them off the request path, so a
 * collector that is down or slow costs requests nothing. Context is passed explicitly
 * (`TraceScope`), never through a global context manager.
 */
export class Tracing {
  readonly #sampler: Sampler;
  readonly #ids = new PooledIdGenerator();
  readonly #sink: SpanSink;
  readonly #propagator = new W3CTraceContextPropagator();

  /** `logger` hears when the collector stops (and starts again) taking spans. */
  constructor(settings: TracingSettings, version: string, logger: Logger) {
    this.#sampler = samplerOf(settings.sampler);
    const resource = resourceFromAttributes({ ...settings.resourceAttributes, [SEMCONV.serviceName]: settings.serviceName, [SEMCONV.serviceVersion]: version });
    const scope = { name: 'skein', version };
    this.#sink = { resource, scope, processor: processorOf(settings, resource, scope, logger) };
  }

  /**
   * The context a request continues: the trace of its `traceparent` (and `tracestate`)
   * when that parses, else the root, so a new trace starts. A malformed header is ignored.
   */
  extract(headers: HeaderCarrier): Context {
    // Most requests carry none: skip the propagator.
    if (headers.traceparent === undefined) return ROOT_CONTEXT;
    return this.#propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  }

  /**
   * The `traceparent` (and `tracestate`) of the span in `context`, for upstream calls made
   * under it, as the W3C propagator writes them. Written here, not by the propagator: every
   * span context Skein passes on is valid by construction (its own spans'), and the
   * propagator's checks of it (two patterns, on every upstream call) cost more than the rest.
   */
  traceHeaders(context: Context): TraceHeaders | undefined {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext) return undefined;
    const flags = spanContext.traceFlags;
    const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags < 16 ? '0' : ''}${flags.toString(16)}`;
    return spanContext.traceState ? { traceparent, tracestate: spanContext.traceState.serialize() } : { traceparent };
  }

  /**
   * Starts a span under `parent` (a new trace when it has no valid span); returns it with
   * the context its children start under. The sampler decides as the SDK's tracer would:
   * a span it drops is a non-recording span that still carries the trace to upstreams.
   * `options.attributes` is owned by the span from now on.
   */
  start(name: string, options: SpanOptions, parent: Context): { readonly span: Span; readonly context: Context } {
    // A parent is valid by construction, so it is not checked again: the propagator returns
    // only valid remote ones, and Skein's own spans get their ids from its id generator.
    const parentSpanContext = trace.getSpanContext(parent);
    const traceId = parentSpanContext?.traceId ?? this.#ids.generateTraceId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const attributes = options.attributes ?? {};
    const sampling = this.#sampler.shouldSample(parent, traceId, name, kind, attributes, []);
    const spanContext = {
      traceId,
      spanId: this.#ids.generateSpanId(),
      traceFlags: sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: sampling.traceState ?? parentSpanContext?.traceState,
    };
    if (sampling.attributes) Object.assign(attributes, sampling.attributes);
    const span =
      sampling.decision === SamplingDecision.NOT_RECORD
        ? trace.wrapSpanContext(spanContext)
        : new RecordedSpan(this.#sink, { name, kind, spanContext, parentSpanContext, attributes, parent });
    return { span, context: withSpan(parent, span) };
  }

  /** Exports what is queued. */
  flush(): Promise<void> {
    return this.#sink.processor.forceFlush();
  }

  /** Exports what is queued and stops; spans ended later are dropped. */
  shutdown(): Promise<void> {
    return this.#sink.processor.shutdown();
  }
}

/**
 * Where ended spans go: batched and exported over OTLP/HTTP. Protobuf, the default, is
 * encoded by Skein as each span ends (`EncodingBatchProcessor`, `SpanBatchEncoder`): the
 * same bytes as the SDK's, for less, and nothing of a span kept until its batch leaves;
 * the SDK's export delegate (timeout, concurrency, partial-success logging) sends it
 * through Skein's undici transport (`OtlpHttpTransport`, retries included). JSON goes
 * through the SDK's batch processor, encoder and exporter.
 */
function processorOf(settings: TracingSettings, resource: Resource, scope: InstrumentationScope, logger: Logger): SpanProcessor {
  const limits = {
    maxQueueSize: settings.maxQueueSize,
    maxExportBatchSize: Math.min(settings.maxExportBatchSize, settings.maxQueueSize),
    scheduledDelayMs: settings.scheduledDelayMs,
  };
  if (settings.protocol === 'http/json') {
    const json = new JsonExporter({
      url: settings.endpoint,
      headers: { ...settings.headers },
      timeoutMillis: settings.exportTimeoutMs,
      compression: settings.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      httpAgentOptions: { ...settings.tls },
    });
    const exporter = new ReportingExporter(json, settings.endpoint, logger);
    return new BatchSpanProcessor(exporter, {
      maxQueueSize: limits.maxQueueSize,
      maxExportBatchSize: limits.maxExportBatchSize,
      scheduledDelayMillis: limits.scheduledDelayMs,
      exportTimeoutMillis: settings.exportTimeoutMs,
    });
  }
  const transport = new OtlpHttpTransport({
    url: settings.endpoint,
    headers: { ...settings.headers, 'content-type': 'application/x-protobuf' },
    compression: settings.compression,
    tls: settings.tls,
  });
  const delegate = createOtlpNetworkExportDelegate(
    // The SDK's concurrency limit; the transport compresses, so the delegate is told none.
    { ...getSharedConfigurationDefaults(), timeoutMillis: settings.exportTimeoutMs },
    ENCODED,
    createOtlpHttpExporterMetrics('otlp_http_span_exporter', ENCODED_COUNT, settings.endpoint, undefined),
    transport,
  );
  const exporter = new ReportingExporter(new OTLPExporterBase(delegate), settings.endpoint, logger);
  return new EncodingBatchProcessor(new SpanBatchEncoder(resource, scope), exporter, limits, logger);
}

/** The exporter's serializer for batches that are protobuf already. */
const ENCODED: ISerializer<EncodedSpans, IExportTraceServiceResponse> = {
  serializeRequest: (batch) => batch.bytes,
  deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
};

/** How the exporter's own metrics count a batch's spans. */
const ENCODED_COUNT: IExporterMetricsHelper<EncodedSpans> = { name: 'span', countItems: (batch) => batch.length };

function samplerOf({ name, ratio }: SamplerSetting): Sampler {
  const root =
    name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new FollowingLocalParent(new ParentBasedSampler({ root })) : root;
}

const FOLLOW_SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const FOLLOW_UNSAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * The SDK's parent-based sampler, with its rule for a local parent (its defaults: follow
 * the parent) decided first: the SDK's checks the parent's ids against two patterns on
 * every span, and a local parent is one of Skein's own spans, valid by construction.
 */
class FollowingLocalParent implements Sampler {
  readonly #parentBased: Sampler;

  constructor(parentBased: ParentBasedSampler) {
    this.#parentBased = parentBased;
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent && !parent.isRemote) return parent.traceFlags & TraceFlags.SAMPLED ? FOLLOW_SAMPLED : FOLLOW_UNSAMPLED;
    return this.#parentBased.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return this.#parentBased.toString();
  }
}
