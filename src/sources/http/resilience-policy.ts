import type { SourceConfig } from '../protocol.js';

/**
 * How the transport protects a source and its callers, read from `@source`:
 *
 * - `timeoutMs`: the time allowed for a whole call, retries and queueing included;
 *   each attempt gets what is left. A slow-dripping body is cut at the same deadline.
 * - `retry`: idempotent calls (GET/HEAD, SOAP operations marked safe) are tried again
 *   after a retryable failure (connection refused or reset, HTTP 500/502/503/504), at
 *   most `attempts` more times, with exponential backoff and jitter between
 *   `baseDelayMs` and `maxDelayMs`, and never past the deadline.
 * - `circuitBreaker`: after `failures` consecutive failures (those that are retryable,
 *   and timeouts) the source fails fast with UPSTREAM_CIRCUIT_OPEN; after
 *   `halfOpenAfterMs` one call probes it, and success closes the circuit again.
 * - `maxConcurrency` calls in flight at once; `maxQueue` more wait for a slot; beyond
 *   that a call fails at once with UPSTREAM_OVERLOADED.
 *
 * Zero turns a mechanism off: `retry: { attempts: 0 }`, `circuitBreaker: { failures: 0 }`,
 * `maxConcurrency: 0` (no limit, no queue).
 */
export interface ResiliencePolicy {
  readonly timeoutMs: number;
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly circuitBreaker: { readonly failures: number; readonly halfOpenAfterMs: number };
  readonly maxConcurrency: number;
  readonly maxQueue: number;
}

/** The defaults, shared by the `@source` SDL and the code that reads it. */
export const RESILIENCE_DEFAULTS = {
  timeoutMs: 10_000,
  retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 1_000 },
  circuitBreaker: { failures: 5, halfOpenAfterMs: 10_000 },
  maxConcurrency: 256,
  maxQueue: 1_024,
} as const satisfies ResiliencePolicy;

/** SDL of the `@source` arguments for resilience, with the inputs they use. */
export const resilienceSourceArgumentsSDL = /* GraphQL */ `
  "Retries of idempotent calls (GET, HEAD, SOAP operations marked safe) after a retryable failure: connection refused or reset, HTTP 500, 502, 503 or 504. Never past timeoutMs."
  retry: SourceRetry
  "Fail fast (UPSTREAM_CIRCUIT_OPEN) after consecutive failures; probe again later."
  circuitBreaker: SourceCircuitBreaker
  "Calls to this source in flight at once; 0 for no limit."
  maxConcurrency: Int = ${RESILIENCE_DEFAULTS.maxConcurrency}
  "Calls that may wait for a free slot when maxConcurrency are in flight; beyond that a call fails with UPSTREAM_OVERLOADED."
  maxQueue: Int = ${RESILIENCE_DEFAULTS.maxQueue}`;

export const resilienceInputsSDL = /* GraphQL */ `
"""Retries of a source's idempotent calls, with exponential backoff and jitter."""
input SourceRetry {
  "Further tries after the first; 0 turns retries off."
  attempts: Int = ${RESILIENCE_DEFAULTS.retry.attempts}
  "The first delay's upper bound, in milliseconds; later delays grow exponentially."
  baseDelayMs: Int = ${RESILIENCE_DEFAULTS.retry.baseDelayMs}
  "The longest delay between two tries, in milliseconds."
  maxDelayMs: Int = ${RESILIENCE_DEFAULTS.retry.maxDelayMs}
}

"""A source's circuit breaker: open after consecutive failures, probe after a pause."""
input SourceCircuitBreaker {
  "Consecutive failures that open the circuit; 0 turns the breaker off."
  failures: Int = ${RESILIENCE_DEFAULTS.circuitBreaker.failures}
  "How long the circuit stays open before one call probes the source, in milliseconds."
  halfOpenAfterMs: Int = ${RESILIENCE_DEFAULTS.circuitBreaker.halfOpenAfterMs}
}
`;

/** A policy argument out of range: the message names the argument and what it got. */
export class ResiliencePolicyError extends Error {
  override readonly name = 'ResiliencePolicyError';
}

/**
 * The policy of a source, from its `@source` arguments (already coerced by graphql-js),
 * with defaults for what is not given. Throws a ResiliencePolicyError for a value out
 * of range.
 */
export function resiliencePolicyOf(source: Pick<SourceConfig, 'timeoutMs' | 'options'>): ResiliencePolicy {
  const options = source.options;
  const retry = (options.retry ?? {}) as Partial<Record<'attempts' | 'baseDelayMs' | 'maxDelayMs', number | null>>;
  const breaker = (options.circuitBreaker ?? {}) as Partial<Record<'failures' | 'halfOpenAfterMs', number | null>>;
  const policy: ResiliencePolicy = {
    timeoutMs: whole('timeoutMs', source.timeoutMs ?? RESILIENCE_DEFAULTS.timeoutMs, 1),
    retry: {
      attempts: whole('retry.attempts', retry.attempts ?? RESILIENCE_DEFAULTS.retry.attempts, 0, 10),
      baseDelayMs: whole('retry.baseDelayMs', retry.baseDelayMs ?? RESILIENCE_DEFAULTS.retry.baseDelayMs, 1),
      maxDelayMs: whole('retry.maxDelayMs', retry.maxDelayMs ?? RESILIENCE_DEFAULTS.retry.maxDelayMs, 1),
    },
    circuitBreaker: {
      failures: whole('circuitBreaker.failures', breaker.failures ?? RESILIENCE_DEFAULTS.circuitBreaker.failures, 0),
      halfOpenAfterMs: whole('circuitBreaker.halfOpenAfterMs', breaker.halfOpenAfterMs ?? RESILIENCE_DEFAULTS.circuitBreaker.halfOpenAfterMs, 1),
    },
    maxConcurrency: whole('maxConcurrency', (options.maxConcurrency as number | null | undefined) ?? RESILIENCE_DEFAULTS.maxConcurrency, 0),
    maxQueue: whole('maxQueue', (options.maxQueue as number | null | undefined) ?? RESILIENCE_DEFAULTS.maxQueue, 0),
  };
  if (policy.retry.maxDelayMs < policy.retry.baseDelayMs) {
    throw new ResiliencePolicyError(
      `retry.maxDelayMs (${policy.retry.maxDelayMs}) must be at least retry.baseDelayMs (${policy.retry.baseDelayMs})`,
    );
  }
  return policy;
}

function whole(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    throw new ResiliencePolicyError(`${name} must be ${range}, not ${value}`);
  }
  return value;
}
