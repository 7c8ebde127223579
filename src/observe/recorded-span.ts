import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** What every span of one gateway shares: where it goes when it ends, and what it is of. */
export interface SpanSink {
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/** What a span is, decided when it starts. */
export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  /** Owned by the span from now on: callers pass a fresh object. */
  readonly attributes: Attributes;
  readonly parent: Context;
}

/**
 * One sampled span, as the OpenTelemetry API writes it (`Span`) and as the SDK's batch
 * processor and OTLP exporter read it (`ReadableSpan`). It stands in for the SDK's own
 * span, which does the same with checks Skein does not need (its attributes are Skein's
 * own, of known types and few): that span, and the tracer around it, cost more per
 * request than the rest of the tracing together (bench scenario 12). Times are read from
 * the one monotonic clock, anchored once to the wall clock, so a span's end is never
 * before its start.
 */
export class RecordedSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes;
  // Most spans have no links or events and keep the unset status: they share these until
  // they get their own (a span is kept until its batch is exported; less to keep is less to copy).
  links: Link[] = NONE;
  events: TimedEvent[] = NONE;
  status: SpanStatus = UNSET;
  ended = false;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #spanContext: SpanContext;
  readonly #sink: SpanSink;
  readonly #startMs = performance.now();
  #endMs = 0;

  constructor(sink: SpanSink, start: SpanStart) {
    this.#sink = sink;
    this.name = start.name;
    this.kind = start.kind;
    this.#spanContext = start.spanContext;
    this.parentSpanContext = start.parentSpanContext;
    this.attributes = start.attributes;
    sink.processor.onStart(this as never, start.parent);
  }

  get resource(): Resource {
    return this.#sink.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.#sink.scope;
  }

  get startTime(): HrTime {
    return hrTimeAt(this.#startMs);
  }

  get endTime(): HrTime {
    return hrTimeAt(this.#endMs);
  }

  get duration(): HrTime {
    return durationOf(this.#endMs - this.#startMs);
  }

  spanContext(): SpanContext {
    return this.#spanContext;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value !== undefined && value !== null && !this.ended) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const attributes = isTimeInput(attributesOrTime) ? undefined : attributesOrTime;
    const at = isTimeInput(attributesOrTime) ? attributesOrTime : time;
    if (this.events === NONE) this.events = [];
    this.events.push({ name, attributes, time: at === undefined ? hrTimeAt(performance.now()) : toHrTime(at), droppedAttributesCount: 0 });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    if (this.links === NONE) this.links = [];
    this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this;
    // OK is final; UNSET never overrides what was set (the API's rules).
    if (this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    this.status = status.code === SpanStatusCode.ERROR ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.#endMs = endTime === undefined ? performance.now() : Math.max(this.#startMs, msSinceOrigin(endTime));
    this.ended = true;
    this.#sink.processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes =
      typeof exception === 'string'
        ? { 'exception.message': exception }
        : {
            ...(exception.name ?? exception.code ? { 'exception.type': String(exception.name ?? exception.code) } : {}),
            ...(exception.message ? { 'exception.message': exception.message } : {}),
          };
    this.addEvent('exception', attributes, time);
  }
}

// Frozen: a push onto the shared one would throw rather than reach every span.
const NONE: never[] = Object.freeze([]) as never[];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

// The wall-clock time of performance.now() = 0, split so adding a few ms keeps every nanosecond.
const ORIGIN_SECONDS = Math.floor(performance.timeOrigin / 1000);
const ORIGIN_REST_MS = performance.timeOrigin - ORIGIN_SECONDS * 1000;

/** The wall-clock time of a performance.now() reading. */
function hrTimeAt(sinceOriginMs: number): HrTime {
  return durationOf(ORIGIN_REST_MS + sinceOriginMs, ORIGIN_SECONDS);
}

/**
 * Milliseconds as [seconds, nanoseconds], the nanoseconds rounded and below a second, the
 * seconds counted from `fromSeconds` (one array: the encoder reads two times per span).
 */
function durationOf(ms: number, fromSeconds = 0): HrTime {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos >= 1e9 ? [fromSeconds + seconds + 1, nanos - 1e9] : [fromSeconds + seconds, nanos];
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || Array.isArray(value);
}

/** A time the API accepts (epoch ms, a Date, an HrTime) as performance.now() would have read it. */
function msSinceOrigin(time: TimeInput): number {
  if (Array.isArray(time)) return time[0] * 1000 + time[1] / 1e6 - performance.timeOrigin;
  const epochMs = time instanceof Date ? time.getTime() : time;
  // The API allows a performance.now() reading as well as epoch milliseconds.
  return epochMs < performance.timeOrigin ? epochMs : epochMs - performance.timeOrigin;
}

function toHrTime(time: TimeInput): HrTime {
  return Array.isArray(time) ? [time[0], time[1]] : hrTimeAt(msSinceOrigin(time));
}
