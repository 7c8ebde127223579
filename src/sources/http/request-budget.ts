import { GraphQLError } from 'graphql';

/** The stable codes of a request that ran out of its budget. */
export const BudgetCode = {
  /** The estimated cost, or the number of upstream calls, is over the limit. */
  COST: 'QUERY_TOO_COSTLY',
  /** The answer, or what was read from upstreams for it, is over the size limit. */
  SIZE: 'RESPONSE_TOO_LARGE',
  /** The request ran longer than it may. */
  TIME: 'REQUEST_TIMEOUT',
} as const;

export interface BudgetLimits {
  /** Estimated cost of everything one HTTP request asks for (a JSON batch as a whole). */
  readonly maxCost: number;
  /** Upstream calls one HTTP request may start, composite steps and joins included. */
  readonly maxUpstreamCalls: number;
  /** Bytes of the answer, and of the upstream answers read for it. */
  readonly maxResponseBytes: number;
  /** Milliseconds from the request's arrival until no upstream call is started or awaited. */
  readonly requestTimeoutMs: number;
}

/**
 * What one client request may spend, shared by everything it causes: every operation of
 * a JSON batch, every composite step, join and batch call. It is enforced as the request
 * runs: the transport asks `admit` before each upstream call and reports what it read;
 * once a limit is passed the budget stays exhausted, so no further upstream call starts
 * and the calls in flight are cut at the request's deadline. The gateway creates one per
 * HTTP request; calls the gateway makes on its own have none.
 */
export class RequestBudget {
  /** When the request's time runs out, in `Date.now()` milliseconds. */
  readonly deadline: number;
  #cost = 0;
  #calls = 0;
  #bytes = 0;
  #exhausted: GraphQLError | undefined;

  constructor(
    readonly limits: BudgetLimits,
    now: number = Date.now(),
  ) {
    this.deadline = now + limits.requestTimeoutMs;
  }

  /** Cost charged so far. */
  get cost(): number {
    return this.#cost;
  }

  /** Upstream calls started so far. */
  get calls(): number {
    return this.#calls;
  }

  /** Upstream bytes read so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The error that ended the budget, if one did. */
  get exhausted(): GraphQLError | undefined {
    return this.#exhausted;
  }

  /** Milliseconds left before the deadline, never below 0. */
  left(now: number = Date.now()): number {
    return Math.max(0, this.deadline - now);
  }

  /**
   * Adds one operation's estimated cost; returns the refusal when the request's total
   * (every operation of a batch together) is over the limit. A refused operation's
   * cost is not kept, so a cheaper one after it may still run.
   */
  chargeCost(cost: number): GraphQLError | undefined {
    if (this.#cost + cost <= this.limits.maxCost) {
      this.#cost += cost;
      return undefined;
    }
    const earlier = this.#cost > 0 ? ` (with the ${format(this.#cost)} of the operations before it in this request)` : '';
    return budgetError(
      BudgetCode.COST,
      `The query's estimated cost is ${format(cost)}${earlier}, over this gateway's limit of ${this.limits.maxCost} ` +
        `(lists count by their size arguments such as first or limit; raise the limit with SKEIN_MAX_COST)`,
      400,
    );
  }

  /** Before an upstream call starts: throws if the request may not make it. */
  admit(label: string, now: number = Date.now()): void {
    if (this.#exhausted) throw this.#exhausted;
    if (now >= this.deadline) throw this.#exhaust(this.timeout(label));
    if (this.#calls >= this.limits.maxUpstreamCalls) {
      throw this.#exhaust(
        budgetError(
          BudgetCode.COST,
          `${label} was not called: this request already made ${this.limits.maxUpstreamCalls} upstream calls, ` +
            `the limit of this gateway (raise it with SKEIN_MAX_UPSTREAM_CALLS)`,
        ),
      );
    }
    this.#calls++;
  }

  /** After an upstream answer was read: counts its bytes, and ends the budget when they are too many. */
  received(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes > this.limits.maxResponseBytes && !this.#exhausted) {
      this.#exhaust(
        budgetError(
          BudgetCode.SIZE,
          `This request read more than ${this.limits.maxResponseBytes} bytes from upstreams, the response size limit ` +
            `of this gateway, so no further upstream call was made (raise it with SKEIN_MAX_RESPONSE_BYTES)`,
        ),
      );
    }
  }

  /**
   * The timeout error once the request's time has run out (so a cut call is the request's,
   * not the source's, failure), else undefined. `callDeadline`, for a call whose own
   * deadline has just passed: when that deadline was the request's, its time is out, though
   * `Date.now()` may not say so yet (a Node timer counts from the event loop's time, taken
   * when its iteration began, so on a busy process it fires a few ms early).
   */
  outOfTime(label: string, callDeadline?: number): GraphQLError | undefined {
    return this.left() === 0 || (callDeadline !== undefined && callDeadline >= this.deadline) ? this.timeout(label) : undefined;
  }

  /** The error for a call cut, or not started, because the request's time ran out. */
  timeout(label: string): GraphQLError {
    return budgetError(
      BudgetCode.TIME,
      `${label} did not complete within this request's ${this.limits.requestTimeoutMs} ms ` +
        `(raise the limit with SKEIN_REQUEST_TIMEOUT_MS)`,
    );
  }

  #exhaust(error: GraphQLError): GraphQLError {
    this.#exhausted ??= error;
    return error;
  }
}

/** The answer that replaces one over `maxResponseBytes`. */
export function responseTooLarge(bytes: number, limits: Pick<BudgetLimits, 'maxResponseBytes'>): GraphQLError {
  return budgetError(
    BudgetCode.SIZE,
    `The answer has ${bytes} bytes, over this gateway's response size limit of ${limits.maxResponseBytes} ` +
      `(select fewer fields or smaller lists, or raise the limit with SKEIN_MAX_RESPONSE_BYTES)`,
  );
}

function budgetError(code: string, message: string, status?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(status ? { http: { status } } : {}) } });
}

function format(cost: number): string {
  return Number.isInteger(cost) ? String(cost) : cost.toFixed(1);
}
