import {
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { AttemptFailure } from './attempt-failure.js';
import { realClock, type Clock } from './clock.js';
import { DEADLINE_PASSED, type Deadline } from './deadline.js';
import type { ResiliencePolicy } from './resilience-policy.js';

/** A circuit breaker's state, as the admin API and /metrics show it. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'disabled';

/**
 * The resilience state of one source, shared by every graph that calls it with the same
 * URL and policy (so a reload keeps an open circuit open): the circuit breaker, the
 * concurrency limit with its queue, the retry policy, and plain counters for /metrics.
 * The policies are cockatiel's; this class only composes them and counts.
 */
export class SourceGuard {
  /** Calls made (one per `send`, whatever the retries). */
  calls = 0;
  /** Attempts that failed in a way that counts against the source. */
  failures = 0;
  retries = 0;
  /** Calls refused because maxConcurrency were in flight and maxQueue waited. */
  rejected = 0;
  /** Calls refused because the circuit was open. */
  shortCircuited = 0;
  /** When the circuit last opened, on the guard's clock (real time: ms since the epoch). */
  openedAt: number | undefined;
  /** The failure that opened the circuit last, by code or status. */
  lastFailure: string | undefined;

  readonly retry: RetryPolicy | undefined;
  readonly #breaker: CircuitBreakerPolicy | undefined;
  readonly #bulkhead: BulkheadPolicy | undefined;

  constructor(
    /** The source's name. */
    readonly source: string,
    readonly policy: ResiliencePolicy,
    /** What the circuit breaker measures `halfOpenAfterMs` with. */
    readonly clock: Clock = realClock,
  ) {
    if (policy.retry.attempts > 0) {
      const backoff = new ExponentialBackoff({ initialDelay: policy.retry.baseDelayMs, maxDelay: policy.retry.maxDelayMs });
      this.retry = retry(
        handleWhen((error) => error instanceof AttemptFailure && error.retryable && error.deadline.left() > 0 && !error.deadline.cancelled),
        { maxAttempts: policy.retry.attempts, backoff: new WithinDeadline(backoff) },
      );
      this.retry.onRetry(() => void this.retries++);
    }
    if (policy.circuitBreaker.failures > 0) {
      this.#breaker = circuitBreaker(
        handleWhen((error) => error instanceof AttemptFailure),
        { halfOpenAfter: new HalfOpenAfter(policy.circuitBreaker.halfOpenAfterMs, clock), breaker: new ConsecutiveBreaker(policy.circuitBreaker.failures) },
      );
      this.#breaker.onBreak((reason) => {
        this.openedAt = clock.now();
        const error = 'error' in reason ? reason.error : undefined;
        this.lastFailure = error instanceof AttemptFailure ? error.describe() : undefined;
      });
    }
    if (policy.maxConcurrency > 0) this.#bulkhead = bulkhead(policy.maxConcurrency, policy.maxQueue);
  }

  get breakerState(): BreakerState {
    if (!this.#breaker) return 'disabled';
    switch (this.#breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  /** Calls in flight. */
  get active(): number {
    return this.#bulkhead ? this.policy.maxConcurrency - this.#bulkhead.executionSlots : 0;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#bulkhead ? this.policy.maxQueue - this.#bulkhead.queueSlots : 0;
  }

  /**
   * Runs one attempt under the concurrency limit and the circuit breaker. Rejects with
   * cockatiel's BulkheadRejectedError or BrokenCircuitError, with DEADLINE_PASSED (the
   * time ran out while queued), or with what `attempt` rejects with.
   */
  run<T>(attempt: () => Promise<T>, deadline: Deadline): Promise<T> {
    const breaker = this.#breaker;
    const guarded = breaker ? () => breaker.execute(attempt) : attempt;
    const limit = this.#bulkhead;
    if (!limit) return guarded();
    if (limit.executionSlots > 0) return limit.execute(guarded);
    return queued(limit, guarded, deadline);
  }
}

/**
 * Waits for a slot, but answers at the deadline at the latest (rejecting with
 * DEADLINE_PASSED); a call whose time ran out while queued is then never sent.
 */
function queued<T>(limit: BulkheadPolicy, run: () => Promise<T>, deadline: Deadline): Promise<T> {
  const abandon = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      abandon.abort(DEADLINE_PASSED);
      reject(DEADLINE_PASSED);
    }, deadline.left());
    limit.execute(run, abandon.signal).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * The pause before an open circuit lets a probe through, measured on the guard's clock.
 * cockatiel lets a call probe once `Date.now() - openedAt` reaches the backoff's
 * `duration`, and reads `duration` as each call arrives; so the duration here says
 * whether the clock has moved `ms` since the circuit opened: 0 (probe now) or never yet.
 * On real time this is cockatiel's own constant pause.
 */
class HalfOpenAfter implements IBackoffFactory<unknown> {
  constructor(
    private readonly ms: number,
    private readonly clock: Clock,
  ) {}

  next(): IBackoff<unknown> {
    const { ms, clock } = this;
    const openedAt = clock.now();
    return {
      get duration() {
        return clock.now() - openedAt >= ms ? 0 : Number.POSITIVE_INFINITY;
      },
      next: () => this.next(),
    };
  }
}

/** A backoff whose delays end at the call's deadline at the latest. */
class WithinDeadline implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<IRetryBackoffContext<unknown>>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return clamp(this.inner.next(context), context);
  }
}

function clamp(
  backoff: IBackoff<IRetryBackoffContext<unknown>>,
  context: IRetryBackoffContext<unknown>,
): IBackoff<IRetryBackoffContext<unknown>> {
  const failure = 'error' in context.result ? context.result.error : undefined;
  const left = failure instanceof AttemptFailure ? failure.deadline.left() : backoff.duration;
  return { duration: Math.min(backoff.duration, left), next: (next) => clamp(backoff.next(next), next) };
}
