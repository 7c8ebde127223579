// By class: cockatiel 3.2.1's isIsolatedCircuitError and isTaskCancelledError test for the bulkhead's marker.
import type { GraphQLError } from 'graphql';
import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { Agent, request, errors as undiciErrors } from 'undici';
import type { TraceScope } from '../../observe/index.js';
import type { SourceConfig } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { AttemptFailure } from './attempt-failure.js';
import { CallSpan } from './call-span.js';
import { DEADLINE_PASSED, Deadline } from './deadline.js';
import type { CallCache } from './call-cache.js';
import type { RequestBudget } from './request-budget.js';
import { resiliencePolicyOf, type ResiliencePolicy } from './resilience-policy.js';
import type { SourceGuard } from './source-guard.js';
import { sourceGuards } from './source-guards.js';

export interface HttpCall {
  readonly method: string;
  /** Absolute URL; built from the source's base URL, never from client input alone. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Names the call in error messages, e.g. `Query.order`. */
  readonly label: string;
  /** The caller's signal: the client went away, or the gateway is stopping. */
  readonly signal?: AbortSignal;
  /** Safe to repeat (GET/HEAD, a SOAP operation marked safe): retried after a retryable failure. */
  readonly idempotent?: boolean;
  /**
   * Whether a 5xx answer is the upstream's deliberate reply rather than its failure (a
   * SOAP Fault travels on HTTP 500): such answers are neither retried nor counted by the
   * circuit breaker. Without it every 500/502/503/504 counts.
   */
  readonly isReply?: (answer: HttpAnswer) => boolean;
  /** What the client request that caused the call may still spend (calls, bytes, time). */
  readonly budget?: RequestBudget;
  /** Where a read-only call's answer may already be (the request's, when the gateway caches). */
  readonly cache?: CallCache;
  /** The traced operation that caused the call; absent when tracing is off. */
  readonly trace?: TraceScope;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

/** Answers that say the upstream is failing (not that the request was wrong): retried and counted. */
const FAILING_STATUSES = new Set([500, 502, 503, 504]);

/**
 * The HTTP transport of one source: a keep-alive connection pool (undici), the source's
 * resilience policy (deadline, retries, circuit breaker, concurrency limit; see
 * resilience-policy.ts), and every transport failure turned into an UpstreamError. REST
 * and SOAP both send through it, so failures look the same whatever the protocol.
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #source: SourceConfig;
  readonly #policy: ResiliencePolicy;
  readonly #guard: SourceGuard;
  #closed = false;

  constructor(source: SourceConfig) {
    this.#source = source;
    this.#policy = resiliencePolicyOf(source);
    const maxResponseBytes = Number(source.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.#agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: Number(source.options.maxConnections ?? 256),
      pipelining: 1,
      maxResponseSize: maxResponseBytes,
      connect: { timeout: this.#policy.timeoutMs },
    });
    this.#guard = sourceGuards.acquire(source.name, source.url, this.#policy);
  }

  /** The source's breaker, queue and counters. */
  get guard(): SourceGuard {
    return this.#guard;
  }

  /**
   * Sends one call and reads the whole body, within the source's deadline, retrying an
   * idempotent call after a retryable failure. Non-2xx answers are returned, not thrown;
   * everything else that goes wrong rejects with an UpstreamError. A read-only call with
   * a `cache` is answered from it when it can, and its 2xx answer offered to it.
   */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const cache = call.idempotent ? call.cache : undefined;
    if (!cache) return this.#call(call);
    const cached = await cache.read(call, this.#source.name);
    if (cached) {
      // Not a call (no slot, no breaker, no count), but what it hands the request still counts.
      call.budget?.received(cached.body.length);
      return cached;
    }
    const answer = await this.#call(call);
    if (answer.status >= 200 && answer.status <= 299) cache.write(call, answer, this.#source.name);
    return answer;
  }

  /** One call as the upstream sees it: admitted by the budget, counted, traced, retried. */
  async #call(call: HttpCall): Promise<HttpAnswer> {
    const guard = this.#guard;
    const budget = call.budget;
    // Throws when the request may start no further call; then nothing is sent or counted.
    budget?.admit(call.label);
    guard.calls++;
    const deadline = new Deadline(budget ? Math.min(this.#policy.timeoutMs, budget.left()) : this.#policy.timeoutMs, call.signal);
    if (!call.trace) return this.#send(call, call.headers, deadline, undefined);
    // A trace the sampler left out: the upstream still gets its context, and no span is made.
    if (!call.trace.recording) return this.#send(call, call.trace.passOn(call.headers), deadline, undefined);
    const span = new CallSpan(call.trace, this.#source, call);
    try {
      const answer = await this.#send(call, span.headers(call.headers), deadline, span);
      span.answered(answer.status, guard);
      return answer;
    } catch (error) {
      span.failed(error, guard);
      throw error;
    }
  }

  /** Sends `call` with `headers` (its own, or with the trace's added: not a copy of the call). */
  async #send(call: HttpCall, headers: HttpCall['headers'], deadline: Deadline, span: CallSpan | undefined): Promise<HttpAnswer> {
    try {
      if (call.idempotent && this.#guard.retry) {
        return await this.#guard.retry.execute(() => this.#attempt(call, headers, deadline, span));
      }
      return await this.#attempt(call, headers, deadline, span);
    } catch (error) {
      if (error instanceof AttemptFailure) {
        if (error.answer) return error.answer as HttpAnswer;
        throw error.error!;
      }
      throw this.#refusal(error, call, deadline);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    sourceGuards.release(this.#guard);
    await this.#agent.close();
  }

  #attempt(call: HttpCall, headers: HttpCall['headers'], deadline: Deadline, span: CallSpan | undefined): Promise<HttpAnswer> {
    if (deadline.cancelled) return Promise.reject(this.#cancelled(call));
    if (deadline.left() === 0) return Promise.reject(this.#timeout(call, deadline));
    return this.#guard.run(() => this.#exchange(call, headers, deadline, span), deadline);
  }

  async #exchange(call: HttpCall, headers: HttpCall['headers'], deadline: Deadline, span: CallSpan | undefined): Promise<HttpAnswer> {
    span?.attempt();
    let answer: HttpAnswer;
    const left = Math.max(1, deadline.left());
    // One native timer per attempt enforces the deadline, before and after the headers;
    // undici's own (coarse) timeouts only free a connection the upstream keeps hanging.
    const cut = new Cut();
    const timer = setTimeout(expire, left, cut);
    try {
      const pending = request(call.url, {
        dispatcher: this.#agent,
        method: call.method as 'GET',
        headers,
        body: call.body,
        headersTimeout: left + UNDICI_GRACE_MS,
        bodyTimeout: left + UNDICI_GRACE_MS,
      });
      const response = await cut.headers(pending);
      answer = { status: response.statusCode, headers: response.headers, body: await response.body.text() };
      call.budget?.received(answer.body.length);
    } catch (error) {
      throw this.#transportFailure(error, call, deadline);
    } finally {
      clearTimeout(timer);
    }
    if (FAILING_STATUSES.has(answer.status) && !call.isReply?.(answer)) {
      this.#guard.failures++;
      throw new AttemptFailure(deadline, call.idempotent === true, undefined, answer);
    }
    return answer;
  }

  /** A failed exchange: an AttemptFailure when it counts against the source, else the error itself. */
  #transportFailure(error: unknown, call: HttpCall, deadline: Deadline): AttemptFailure | UpstreamError {
    const source = this.#source.name;
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
      return new UpstreamError(
        UpstreamErrorCode.RESPONSE_TOO_LARGE,
        `Upstream "${source}" answered ${call.label} with a body larger than the source allows`,
        { source },
      );
    }
    const timedOut =
      error === DEADLINE_PASSED ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      deadline.left() === 0;
    // Cut because the client's request ran out of time, not because the source was slow: not its failure.
    const late = call.budget?.outOfTime(call.label, timedOut ? deadline.at : undefined);
    if (late) return new AttemptFailure(deadline, false, late, undefined);
    this.#guard.failures++;
    if (timedOut) return new AttemptFailure(deadline, false, this.#sourceTimeout(call), undefined);
    const code = (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
    return new AttemptFailure(
      deadline,
      call.idempotent === true,
      new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source}" could not be reached for ${call.label} (${reason})`, {
        source,
        reason,
      }),
      undefined,
    );
  }

  /** What the policies refused with, as an UpstreamError. */
  #refusal(error: unknown, call: HttpCall, deadline: Deadline): unknown {
    const source = this.#source.name;
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
      this.#guard.shortCircuited++;
      return new UpstreamError(
        UpstreamErrorCode.CIRCUIT_OPEN,
        `Upstream "${source}" is failing, so ${call.label} was not sent: its circuit breaker is open after ` +
          `${this.#policy.circuitBreaker.failures} consecutive failures and lets a call through again ` +
          `${this.#policy.circuitBreaker.halfOpenAfterMs} ms after it opened`,
        { source },
      );
    }
    if (error instanceof BulkheadRejectedError) {
      this.#guard.rejected++;
      return new UpstreamError(
        UpstreamErrorCode.OVERLOADED,
        `Upstream "${source}" already has ${this.#policy.maxConcurrency} calls in flight and ${this.#policy.maxQueue} waiting, so ${call.label} was not sent`,
        { source },
      );
    }
    if (error === DEADLINE_PASSED) return this.#timeout(call, deadline);
    if (error instanceof TaskCancelledError) return deadline.cancelled ? this.#cancelled(call) : this.#timeout(call, deadline);
    return error;
  }

  #cancelled(call: HttpCall): UpstreamError {
    const source = this.#source.name;
    return new UpstreamError(
      UpstreamErrorCode.CANCELLED,
      `The call of ${call.label} to upstream "${source}" was abandoned: the client went away or the gateway is stopping`,
      { source },
    );
  }

  /** The error of a call whose deadline passed: the request's timeout when that deadline was the request's, else the source's. */
  #timeout(call: HttpCall, deadline: Deadline): GraphQLError {
    // The request's own time ran out before the source's: say so, not that the source was slow.
    return call.budget?.outOfTime(call.label, deadline.at) ?? this.#sourceTimeout(call);
  }

  /** The source's own deadline passed. */
  #sourceTimeout(call: HttpCall): GraphQLError {
    const source = this.#source.name;
    return new UpstreamError(
      UpstreamErrorCode.TIMEOUT,
      `Upstream "${source}" did not answer ${call.label} within ${this.#policy.timeoutMs} ms`,
      { source },
    );
  }
}

/** How long after the deadline undici itself gives up on a connection that hangs. */
const UNDICI_GRACE_MS = 1_000;

type Body = { destroy(error?: Error): unknown; on(event: 'error', listener: () => void): unknown };

/**
 * The deadline of one attempt: when it expires, waiting for the headers stops (the
 * attempt rejects with DEADLINE_PASSED) and a body being read is destroyed. Headers that
 * arrive after that have their body destroyed at once, so the connection is not held.
 */
class Cut {
  expired = false;
  #body: Body | undefined;
  #reject: ((error: Error) => void) | undefined;

  headers<T extends { body: Body }>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      pending.then((response) => {
        if (this.expired) {
          // Nobody reads this body: whatever error destroying it emits must be heard, or it crashes the process.
          response.body.on('error', ignore);
          response.body.destroy();
        }
        else {
          this.#body = response.body;
          resolve(response);
        }
      }, reject);
    });
  }

  expire(): void {
    this.expired = true;
    if (this.#body) this.#body.destroy(DEADLINE_PASSED);
    else this.#reject?.(DEADLINE_PASSED);
  }
}

function ignore(): void {}

function expire(cut: Cut): void {
  cut.expire();
}
