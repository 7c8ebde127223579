import type { GraphQLError } from 'graphql';
import type { Deadline } from './deadline.js';

/**
 * One attempt at a call failed in a way that counts against the source: no connection,
 * a reset, a timeout, or an answer with HTTP 500/502/503/504 that is not the upstream's
 * deliberate reply. The source's circuit breaker counts it; the retry policy tries
 * again when `retryable` (an idempotent call with time left).
 *
 * It carries either the error to report or the failing answer, which the transport
 * returns to the protocol once the policies are done (a 503 is still an answer to
 * read). A plain object, not an Error: failures are common under load and need no stack.
 */
export class AttemptFailure {
  constructor(
    readonly deadline: Deadline,
    readonly retryable: boolean,
    readonly error: GraphQLError | undefined,
    readonly answer: { readonly status: number; readonly body: string } | undefined,
  ) {}

  /** What the failure was, for the breaker's `lastFailure`. */
  describe(): string {
    return this.error ? String(this.error.extensions.code) : `HTTP ${this.answer?.status}`;
  }
}
