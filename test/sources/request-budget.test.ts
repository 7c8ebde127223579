import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/sources/index.js';

const LIMITS = { requestTimeoutMs: 300, maxUpstreamCalls: 10, maxResponseBytes: 1_000_000, maxCost: 1_000 };

describe("a request's time, as the transport asks about it", () => {
  it('is out when the clock says so, or when a call whose deadline was the request\'s saw that deadline pass (a timer may fire a few ms early)', () => {
    // Started long enough ago for the clock alone never to say so during the test.
    const budget = new RequestBudget(LIMITS, Date.now() + 60_000);
    expect(budget.outOfTime('Query.order')).toBeUndefined();
    // The call's deadline was the source's, earlier than the request's: the source was slow.
    expect(budget.outOfTime('Query.order', budget.deadline - 1)).toBeUndefined();
    // The call's deadline was the request's: the request ran out of time.
    expect(budget.outOfTime('Query.order', budget.deadline)).toMatchObject({
      message: "Query.order did not complete within this request's 300 ms (raise the limit with SKEIN_REQUEST_TIMEOUT_MS)",
      extensions: { code: 'REQUEST_TIMEOUT' },
    });
    const spent = new RequestBudget(LIMITS, Date.now() - 1_000);
    expect(spent.outOfTime('Query.user')?.extensions.code).toBe('REQUEST_TIMEOUT');
  });
});
