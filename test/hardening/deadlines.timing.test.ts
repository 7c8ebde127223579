import { afterEach, describe, expect, it } from 'vitest';
import { startFaultUpstream, type Fault, type FaultUpstream } from '../helpers/fault-upstream.js';
import { startHardenedGateway, type HardenedGateway } from './harness.js';

// How soon a failing call answers: at the source's deadline (400 ms), not when the
// upstream finally gives up. Bounds are generous (1.5 s, where every fault here would
// take 2 s or more, or forever, without the deadline); a run on a busy machine passes.
describe('deadlines hold, whatever the upstream does', () => {
  let upstream: FaultUpstream;
  let gw: HardenedGateway;
  afterEach(async () => {
    await gw?.close();
    await upstream?.close();
  });

  async function timed(fault: Fault, policy = '', requests = 1): Promise<{ ms: number; codes: string[] }> {
    upstream = await startFaultUpstream(() => ({ body: '{"id":"1","name":"Ada"}', contentType: 'application/json' }));
    upstream.plan(fault);
    gw = await startHardenedGateway({
      sources: {
        'users.graphql': `extend schema @source(name: "users", kind: REST, url: "${upstream.url}", timeoutMs: 400 ${policy})
          type User { id: ID! name: String }
          type Query { user(id: ID!): User @rest(source: "users", path: "/users/{id}") }`,
      },
    });
    await gw.query('{ __typename }');
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: requests }, (_, i) => gw.query(`{ user(id: "${i}") { id } }`)));
    return { ms: performance.now() - started, codes: answers.map((a) => a.errors?.[0]?.extensions?.code) as string[] };
  }

  it('no answer at all: UPSTREAM_TIMEOUT after about timeoutMs', async () => {
    const { ms, codes } = await timed({ kind: 'hang' });
    expect(codes).toEqual(['UPSTREAM_TIMEOUT']);
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(1_500);
  });

  it('a body dripping in a byte every 100 ms is cut at the deadline', async () => {
    // 23 bytes: 2.3 s to drip in whole.
    const { ms, codes } = await timed({ kind: 'drip', intervalMs: 100 });
    expect(codes).toEqual(['UPSTREAM_TIMEOUT']);
    expect(ms).toBeLessThan(1_500);
  });

  it('retries stop at the deadline: timeoutMs bounds the whole call', async () => {
    const { ms, codes } = await timed({ kind: 'status', status: 503, delayMs: 150 }, ', retry: { attempts: 10, baseDelayMs: 50, maxDelayMs: 100 }');
    // The deadline passes during an attempt (TIMEOUT), or after one, leaving its 503 as the answer.
    expect(['UPSTREAM_TIMEOUT', 'UPSTREAM_HTTP_ERROR']).toContain(codes[0]);
    expect(upstream.hits()).toBeLessThanOrEqual(3);
    expect(ms).toBeLessThan(1_500);
  });

  it('a call queued behind a slow one answers at its own deadline', async () => {
    const { ms, codes } = await timed({ kind: 'hang' }, ', maxConcurrency: 1, maxQueue: 10', 3);
    expect(codes).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    expect(ms).toBeLessThan(1_500);
  });

  it('an open circuit answers at once, without waiting for the upstream', async () => {
    const { codes } = await timed({ kind: 'status', status: 500 }, ', retry: { attempts: 0 }, circuitBreaker: { failures: 1, halfOpenAfterMs: 60000 }');
    expect(codes).toEqual(['UPSTREAM_HTTP_ERROR']);
    upstream.plan({ kind: 'hang' }); // a call let through would take the whole 400 ms deadline
    const started = performance.now();
    const fast = await gw.query('{ user(id: "9") { id } }');
    expect(fast.errors?.[0].extensions?.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(upstream.hits()).toBe(1);
    expect(performance.now() - started).toBeLessThan(300);
  });
});
