import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../../src/observe/id-generator.js';

describe('PooledIdGenerator', () => {
  it('gives valid, distinct trace and span ids, across many refills of its pool', () => {
    const ids = new PooledIdGenerator();
    const seen = new Set<string>();
    // 20,000 of each: some 300 pools of 4 KiB, trace and span ids interleaved so cuts straddle every offset.
    for (let i = 0; i < 20_000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(isValidTraceId(traceId), traceId).toBe(true);
      expect(isValidSpanId(spanId), spanId).toBe(true);
      seen.add(traceId).add(spanId);
    }
    expect(seen.size).toBe(40_000);
  });

  it('spreads its ids: every hex digit appears about as often in every position', () => {
    const ids = new PooledIdGenerator();
    const counts = Array.from({ length: 32 }, () => new Array<number>(16).fill(0));
    const n = 16_000;
    for (let i = 0; i < n; i++) {
      const id = ids.generateTraceId();
      for (let at = 0; at < 32; at++) counts[at][parseInt(id[at], 16)]++;
    }
    // Expected 1,000 each; a fair source stays far inside ±20 % (about 6 standard deviations).
    for (const position of counts) for (const count of position) expect(count).toBeGreaterThan(800), expect(count).toBeLessThan(1_200);
  });
});
