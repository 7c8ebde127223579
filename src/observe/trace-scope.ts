import { AsyncLocalStorage } from 'node:async_hooks';
import { trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api';
import type { TraceHeaders, Tracing } from './tracing.js';

/**
 * The composite step running now, if any. A step's upstream calls go through the
 * request's shared loaders (DataLoader batches them), so the step cannot hand its span
 * down as an argument; the step's async work carries it instead. Only composite steps of
 * a traced request enter it: with tracing off nothing ever does, and Node installs no hook.
 */
const currentStep = new AsyncLocalStorage<Context>();

/**
 * What a traced GraphQL operation carries in its context (`RequestContext.trace`): the
 * gateway's tracing and the operation's span. Composite steps start their spans under it,
 * the transport its upstream calls (under the step running, else the operation).
 * Absent when tracing is off, so everything that traces first asks whether it exists.
 */
export class TraceScope {
  /**
   * Whether the operation's span is recorded. When it is not (the sampler left the trace
   * out), nothing under it would be either, whichever sampler is set (parent-based ones
   * follow the parent, the others decide by trace or not at all): no span is started under
   * it, and its upstream calls only pass its trace context on.
   */
  readonly recording: boolean;
  #passedOn: TraceHeaders | undefined;

  constructor(
    readonly tracing: Tracing,
    /** The operation's span, as the parent of what it causes. */
    readonly context: Context,
  ) {
    this.recording = trace.getSpan(context)?.isRecording() ?? false;
  }

  /** An unrecorded operation's call headers: `headers` with its `traceparent` (and `tracestate`), made once. */
  passOn(headers: Readonly<Record<string, string>>): Record<string, string> {
    this.#passedOn ??= this.tracing.traceHeaders(this.context);
    return withTraceHeaders(headers, this.#passedOn);
  }

  /** The parent of a span starting now: the composite step running, else the operation. */
  current(): Context {
    return currentStep.getStore() ?? this.context;
  }

  /** Starts a span under `parent` (by default, what runs now). */
  start(name: string, options: SpanOptions, parent: Context = this.current()): { readonly span: Span; readonly context: Context } {
    return this.tracing.start(name, options, parent);
  }

  /** Runs `work` with `context` as the parent of the spans it starts (a composite step's). */
  within<T>(context: Context, work: () => T): T {
    return currentStep.run(context, work);
  }

  /** `headers` with the `traceparent` (and `tracestate`) of an upstream call made under `context`. */
  headersUnder(context: Context, headers: Readonly<Record<string, string>>): Record<string, string> {
    return withTraceHeaders(headers, this.tracing.traceHeaders(context));
  }

  /** The ids logs carry: the trace, and the span running now. */
  ids(): { readonly traceId: string; readonly spanId: string } {
    const spanContext = trace.getSpanContext(this.current())!;
    return { traceId: spanContext.traceId, spanId: spanContext.spanId };
  }
}

/**
 * A copy of `headers` with the trace's headers, which win over any of the same name the
 * call had. Built trace headers first, then the call's: V8 copies an object into a literal
 * many times faster than it adds a property to a copy (`{ ...headers }`, then a store), which
 * was most of what passing a trace on cost.
 */
function withTraceHeaders(headers: Readonly<Record<string, string>>, trace: TraceHeaders | undefined): Record<string, string> {
  if (!trace) return { ...headers };
  const merged: Record<string, string> =
    trace.tracestate === undefined ? { traceparent: trace.traceparent, ...headers } : { traceparent: trace.traceparent, tracestate: trace.tracestate, ...headers };
  if (headers.traceparent !== undefined || headers.tracestate !== undefined) Object.assign(merged, trace);
  return merged;
}
