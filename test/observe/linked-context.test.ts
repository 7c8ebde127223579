import { ROOT_CONTEXT, createContextKey, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withSpan } from '../../src/observe/linked-context.js';

describe('withSpan', () => {
  it('is a context the API reads its span from, that keeps its parent\'s values and sets and deletes as the API\'s does', () => {
    const other = createContextKey('other');
    const parent = ROOT_CONTEXT.setValue(other, 'kept');
    const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    const context = withSpan(parent, span);
    expect(trace.getSpan(context)).toBe(span);
    expect(trace.getSpanContext(context)?.spanId).toBe('b'.repeat(16));
    expect(context.getValue(other)).toBe('kept');
    expect(trace.getSpan(parent)).toBeUndefined();

    const child = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    const nested = trace.setSpan(context, child);
    expect(trace.getSpan(nested)).toBe(child);
    expect(trace.getSpan(context)).toBe(span);
    const deleted = context.deleteValue(other);
    expect(deleted.getValue(other)).toBeUndefined();
    expect(context.getValue(other)).toBe('kept');
    expect(trace.getSpan(trace.deleteSpan(context))).toBeUndefined();
  });
});
