import { createContextKey, type Context, type Span } from '@opentelemetry/api';

/** The API's key of the span in a context (`createContextKey` is `Symbol.for`, so this is the same symbol `trace.getSpan` reads). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * A context that is its parent with one value set: what `context.setValue` returns, as a
 * link to the parent rather than the API's copy of the parent's map (`BaseContext`), two
 * allocations per span less. Skein's contexts are a few levels deep (the request, a
 * composite step, a call), so a lookup walks a few links.
 */
class LinkedContext implements Context {
  constructor(
    readonly parent: Context,
    readonly key: symbol,
    readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    // Read as unset, as the API's deleted key is.
    return new LinkedContext(this, key, undefined);
  }
}

/** `parent` with `span` as its span: `trace.setSpan`, linked. */
export function withSpan(parent: Context, span: Span): Context {
  return new LinkedContext(parent, SPAN_KEY, span);
}
