import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type Fault, type FaultUpstream } from '../helpers/fault-upstream.js';
import { DOORS } from '../helpers/gateway.js';
import { until } from '../registry/processes.js';
import { useManualClock, type ManualClock } from '../helpers/manual-clock.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { errorAt, expectNothingLeaked, startHardenedGateway, type HardenedGateway } from './harness.js';

const USER = { id: '1', name: 'Ada' };

/** A REST source on the fault upstream ("users") and a healthy sibling ("hotels"). */
function schema(usersUrl: string, hotelsUrl: string, policy = '', timeoutMs = 400) {
  return {
    sources: {
      'users.graphql': `extend schema @source(name: "users", kind: REST, url: "${usersUrl}", timeoutMs: ${timeoutMs}, maxResponseBytes: 10000,
          headers: [{ name: "Authorization", value: "Bearer {env.SKEIN_SOURCE_USERS_TOKEN}" }],
          ${policy.includes('retry:') ? '' : 'retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 }'} ${policy})
        type User { id: ID! name: String }
        type Query {
          user(id: ID!): User @rest(source: "users", path: "/users/{id}")
          users: [User!] @rest(source: "users", path: "/list")
        }
        type Mutation { renameUser(id: ID!, name: String!): User @rest(source: "users", method: POST, path: "/users/{id}") }`,
      'hotels.graphql': `extend schema @source(name: "hotels", kind: REST, url: "${hotelsUrl}")
        type Hotel { id: ID! name: String }
        type Query { hotel(id: ID!): Hotel @rest(source: "hotels", path: "/hotels/{id}") }`,
    },
  };
}

const TOKEN = 'users-token-0123456789';
process.env.SKEIN_SOURCE_USERS_TOKEN = TOKEN;

describe.each(DOORS)('REST upstream faults through the gateway (%s)', (via) => {
  let hotels: RecordingUpstream;
  let users: FaultUpstream;
  let gw: HardenedGateway;
  let restoreClock: (() => void) | undefined;

  beforeAll(async () => {
    hotels = await startRecordingUpstream({ 'GET /hotels/*': { json: { id: '2', name: 'Grand' } } });
  });
  afterAll(() => hotels.close());
  afterEach(async () => {
    restoreClock?.();
    restoreClock = undefined;
    await gw?.close();
    await users?.close();
  });

  /** A fresh upstream and gateway per test, so each starts with a closed circuit. */
  async function start(fault: Fault | ((n: number) => Fault), policy = '', timeoutMs?: number) {
    users = await startFaultUpstream(({ path }) => ({
      body: JSON.stringify(path === '/list' ? [USER] : USER),
      contentType: 'application/json',
    }));
    users.plan(fault);
    // With upstream errors exposed (as --dev does), so the excerpts and their redaction can be checked.
    gw = await startHardenedGateway(schema(users.url, hotels.url, policy, timeoutMs), {}, via, { exposeUpstreamErrors: true });
  }

  /** Like `start`, with the circuit breaker on a clock the test moves. */
  async function startOnManualClock(fault: Fault | ((n: number) => Fault), policy: string): Promise<ManualClock> {
    const manual = useManualClock();
    restoreClock = manual.restore;
    await start(fault, policy);
    return manual.clock;
  }

  const both = '{ user(id: "1") { id name } hotel(id: "2") { name } }';

  async function failing(fault: Fault, code: string, hits: number, extra: Record<string, unknown> = {}) {
    await start(fault);
    const answer = await gw.query(both);
    expect(answer.data).toEqual({ user: null, hotel: { name: 'Grand' } });
    const error = errorAt(answer, 'user')!;
    expect(error.extensions).toMatchObject({ code, source: 'users', ...extra });
    expect(users.hits('/users/1')).toBe(hits);
    expectNothingLeaked(answer, TOKEN);
    return error;
  }

  it('a 500 is retried (3 attempts in all) and reported with its status; the sibling field resolves', async () => {
    const error = await failing({ kind: 'status', status: 500 }, 'UPSTREAM_HTTP_ERROR', 3, { status: 500 });
    expect(error.message).toBe('Upstream "users" answered HTTP 500 to Query.user');
  });

  it('a 503 then a good answer: the retry succeeds', async () => {
    await start((n) => (n === 0 ? { kind: 'status', status: 503 } : { kind: 'ok' }));
    const answer = await gw.query(both);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.user).toEqual(USER);
    expect(users.hits('/users/1')).toBe(2);
  });

  it('a 404 is not retried', async () => {
    await failing({ kind: 'status', status: 404, body: '{"error":"no such user"}' }, 'UPSTREAM_HTTP_ERROR', 1, { status: 404 });
  });

  it('a POST is never retried, whatever the failure', async () => {
    await start({ kind: 'status', status: 503 });
    const answer = await gw.query('mutation { renameUser(id: "1", name: "B") { id } }');
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', status: 503 });
    expect(users.hits()).toBe(1);
  });

  it('a connection reset before any answer: UPSTREAM_UNREACHABLE, retried', async () => {
    await failing({ kind: 'reset' }, 'UPSTREAM_UNREACHABLE', 3);
  });

  it('a reset in the middle of the body: UPSTREAM_UNREACHABLE, retried', async () => {
    await failing({ kind: 'reset-mid-body' }, 'UPSTREAM_UNREACHABLE', 3);
  });

  it('a body cut short of its Content-Length: UPSTREAM_UNREACHABLE, retried', async () => {
    await failing({ kind: 'truncated' }, 'UPSTREAM_UNREACHABLE', 3);
  });

  it('garbage instead of JSON: UPSTREAM_BAD_RESPONSE with status and an excerpt, not retried', async () => {
    const error = await failing({ kind: 'garbage' }, 'UPSTREAM_BAD_RESPONSE', 1, { status: 200 });
    expect(error.message).toMatch(/^Upstream "users" answered Query\.user with a body that is not JSON/);
    expect(error.extensions?.body).toContain('definitely not');
  });

  it('JSON of the wrong shape: UPSTREAM_BAD_RESPONSE naming what was expected', async () => {
    await start({ kind: 'ok' });
    const answer = await gw.query('{ users { id } hotel(id: "2") { name } }');
    expect(answer.data).toEqual({ users: [USER].map(({ id }) => ({ id })), hotel: { name: 'Grand' } });
    users.plan({ kind: 'status', status: 200, body: '{"items": []}', contentType: 'application/json' });
    const wrong = await gw.query('{ users { id } hotel(id: "2") { name } }');
    expect(errorAt(wrong, 'users')?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(errorAt(wrong, 'users')?.message).toBe('Upstream "users" answered Query.users with an object where a list was expected');
    expect(wrong.data?.hotel).toEqual({ name: 'Grand' });
  });

  it('a body larger than maxResponseBytes: UPSTREAM_RESPONSE_TOO_LARGE', async () => {
    await failing({ kind: 'oversized', bytes: 5 * 1024 * 1024 }, 'UPSTREAM_RESPONSE_TOO_LARGE', 1);
  });

  // How soon these answer is asserted in deadlines.timing.test.ts.
  it('no answer within timeoutMs: UPSTREAM_TIMEOUT, and no retry past the deadline', async () => {
    const error = await failing({ kind: 'ok', delayMs: 2_000 }, 'UPSTREAM_TIMEOUT', 1);
    expect(error.message).toBe('Upstream "users" did not answer Query.user within 400 ms');
  });

  it('headers that arrive after the deadline are discarded, and the gateway carries on', async () => {
    await failing({ kind: 'ok', delayMs: 600 }, 'UPSTREAM_TIMEOUT', 1);
    await users.idle(); // the late answer has been sent, to a gateway that no longer waits for it
    users.plan({ kind: 'ok' });
    expect((await gw.query(both)).data).toEqual({ user: USER, hotel: { name: 'Grand' } });
  });

  it('a slow-drip body is cut at the deadline, though every pause is short', async () => {
    await failing({ kind: 'drip', intervalMs: 60 }, 'UPSTREAM_TIMEOUT', 1);
  });

  it('connection refused: UPSTREAM_UNREACHABLE with the reason, no URL', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    users = await startFaultUpstream(() => ({ body: '{}', contentType: 'application/json' }));
    gw = await startHardenedGateway(schema(`http://127.0.0.1:${port.port}`, hotels.url), {}, via);
    const answer = await gw.query(both);
    expect(errorAt(answer, 'user')?.extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', source: 'users', reason: 'ECONNREFUSED' });
    expect(answer.data?.hotel).toEqual({ name: 'Grand' });
    expectNothingLeaked(answer, TOKEN);
  });

  it('a DNS failure: UPSTREAM_UNREACHABLE (ENOTFOUND)', async () => {
    // The name is refused by a stand-in resolver: no DNS query leaves the machine.
    const real = dns.lookup;
    (dns as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (error: NodeJS.ErrnoException) => void;
      if (host === 'users.skein-test.invalid') {
        const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        process.nextTick(callback, error);
        return;
      }
      return (real as (...args: unknown[]) => void)(host, ...rest);
    };
    try {
      users = await startFaultUpstream(() => ({ body: '{}', contentType: 'application/json' }));
      gw = await startHardenedGateway(schema('http://users.skein-test.invalid:8080', hotels.url), {}, via);
      const answer = await gw.query(both);
      expect(errorAt(answer, 'user')?.extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', reason: 'ENOTFOUND' });
      expect(answer.data?.hotel).toEqual({ name: 'Grand' });
      expect(JSON.stringify(answer)).not.toContain('skein-test.invalid');
    } finally {
      (dns as { lookup: unknown }).lookup = real;
    }
  });

  it('a credential the upstream echoes back is redacted from the error', async () => {
    await start({ kind: 'status', status: 401, body: `invalid token Bearer ${TOKEN} for this resource` });
    const answer = await gw.query(both);
    const error = errorAt(answer, 'user')!;
    expect(error.extensions?.body).toBe('invalid token [redacted] for this resource');
    expectNothingLeaked(answer, TOKEN);
  });

  it('the circuit opens after consecutive failures, fails fast while open, and a probe closes it', async () => {
    const clock = await startOnManualClock({ kind: 'status', status: 500 }, ', circuitBreaker: { failures: 3, halfOpenAfterMs: 300 }');
    // Each request is 3 attempts: the first request alone opens the circuit.
    const first = await gw.query(both);
    expect(errorAt(first, 'user')?.extensions?.code).toBe('UPSTREAM_HTTP_ERROR');
    expect(users.hits()).toBe(3);
    expect(await gw.metric('skein_upstream_breaker_state{source="users"}')).toBe(1);

    const fast = await gw.query(both);
    expect(errorAt(fast, 'user')?.extensions).toEqual({ code: 'UPSTREAM_CIRCUIT_OPEN', source: 'users' });
    expect(errorAt(fast, 'user')?.message).toMatch(/^Upstream "users" is failing, so Query\.user was not sent: its circuit breaker is open/);
    expect(fast.data?.hotel).toEqual({ name: 'Grand' });
    expect(users.hits()).toBe(3); // nothing was sent
    expect(await gw.metric('skein_upstream_rejected_total{source="users",reason="circuit_open"}')).toBe(1);

    users.plan({ kind: 'ok' });
    clock.advance(299);
    expect(errorAt(await gw.query(both), 'user')?.extensions?.code).toBe('UPSTREAM_CIRCUIT_OPEN'); // not yet
    expect(users.hits()).toBe(3);
    clock.advance(1);
    const probe = await gw.query(both);
    expect(probe.errors).toBeUndefined();
    expect(probe.data?.user).toEqual(USER);
    expect(await gw.metric('skein_upstream_breaker_state{source="users"}')).toBe(0);
    expect(await gw.metric('skein_upstream_retries_total{source="users"}')).toBe(2);
  });

  it('a failed probe opens the circuit again', async () => {
    const clock = await startOnManualClock({ kind: 'status', status: 502 }, ', circuitBreaker: { failures: 2, halfOpenAfterMs: 200 }, retry: { attempts: 0 }');
    await gw.query(both);
    await gw.query(both);
    expect(users.hits()).toBe(2);
    clock.advance(200);
    const probe = await gw.query(both);
    expect(errorAt(probe, 'user')?.extensions?.code).toBe('UPSTREAM_HTTP_ERROR');
    expect(users.hits()).toBe(3);
    const after = await gw.query(both);
    expect(errorAt(after, 'user')?.extensions?.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(users.hits()).toBe(3);
    // The pause starts again from the failed probe.
    users.plan({ kind: 'ok' });
    clock.advance(199);
    expect(errorAt(await gw.query(both), 'user')?.extensions?.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    clock.advance(1);
    expect((await gw.query(both)).data?.user).toEqual(USER);
    expect(users.hits()).toBe(4);
  });

  it('beyond maxConcurrency and maxQueue a call fails at once with UPSTREAM_OVERLOADED', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A long deadline and an upstream that answers when told: the slot stays taken until the test says so.
    await start({ kind: 'ok', holdUntil: released }, ', maxConcurrency: 1, maxQueue: 1', 30_000);
    const lookup = (id: string) => gw.query(`{ user(id: "${id}") { id } }`);
    const first = lookup('1');
    await until(async () => users.hits() === 1);
    const second = lookup('2');
    await until(async () => (await gw.metric('skein_upstream_queue_depth{source="users"}')) === 1);
    const third = await lookup('3'); // answered while the other two still wait
    expect(third.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_OVERLOADED', source: 'users' });
    expect(await gw.metric('skein_upstream_rejected_total{source="users",reason="overloaded"}')).toBe(1);
    release();
    expect((await first).data).toEqual({ user: { id: '1' } });
    expect((await second).data).toEqual({ user: { id: '1' } });
    expect(users.hits()).toBe(2);
  });

  it('a call waiting in the queue still answers at its deadline', async () => {
    await start({ kind: 'ok', delayMs: 1_000 }, ', maxConcurrency: 1, maxQueue: 5');
    const answers = await Promise.all(['1', '2'].map((id) => gw.query(`{ user(id: "${id}") { id } }`)));
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    // The queued call either never went out or went out as its time ran out; it was not left waiting for a slot.
    expect(users.hits()).toBeLessThanOrEqual(2);
  });
});
