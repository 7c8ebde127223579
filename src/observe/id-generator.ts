import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/** Random bytes drawn at a time: 256 trace ids, or 512 span ids. */
const POOL_BYTES = 4096;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * Trace and span ids (lower-case hex, as the W3C format and the SDK want) cut from a pool
 * of random hex: one `randomFillSync` and one hex encoding per 4 KiB, where the SDK's
 * generator calls Node's hex encoder for every id, which costs more than the rest of
 * starting a span. An id is a slice of the pool's string (V8 shares its characters). The
 * bytes are the operating system's random bytes, not `Math.random`'s. An all-zero id is
 * invalid and never returned.
 */
export class PooledIdGenerator implements IdGenerator {
  readonly #bytes = Buffer.allocUnsafe(POOL_BYTES);
  #pool = '';
  #at = 0;

  generateTraceId(): string {
    return this.#next(32, ZERO_TRACE_ID);
  }

  generateSpanId(): string {
    return this.#next(16, ZERO_SPAN_ID);
  }

  #next(length: number, zero: string): string {
    if (this.#at + length > this.#pool.length) {
      this.#pool = randomFillSync(this.#bytes).toString('hex');
      this.#at = 0;
    }
    const id = this.#pool.slice(this.#at, (this.#at += length));
    return id === zero ? this.#next(length, zero) : id;
  }
}
