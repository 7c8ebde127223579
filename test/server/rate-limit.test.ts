import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/composite/index.js';
import type { GatewaySettings } from '../../src/server/index.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';

// Rate limits per client, alike at /graphql (both doors), /api and /soap: over the limit
// a request is answered 429 with Retry-After and RATE_LIMITED and calls no upstream. A
// composite's `# @rateLimit` comment sets its own limit. With Redis the gateways of a
// cluster share the counts; with Redis gone each counts in memory, and /readyz says so.
// Limits are per hour, so no test ever waits for a window to pass.

const REDIS_URL = 'redis://127.0.0.1:6379';
const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
  type Order { id: ID! total: Float }
  type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`;
const ORDER_PAGE = `query orderPage($orderId: ID!) { order(id: $orderId) { id total } }`;
const LIMITED_PAGE = `# The order, for pages polled often.
# @rateLimit 2/h
query limitedPage($orderId: ID!) { order(id: $orderId) { id total } }`;
const COMPOSITES = { 'orderPage.graphql': ORDER_PAGE, 'limitedPage.graphql': LIMITED_PAGE };
const QUERY = '{ order(id: "1") { total } }';

let upstream: RecordingUpstream;
let prefixes = 0;
/** Redis keys of this file's own, one prefix per gateway group, so parallel runs never meet. */
const prefix = () => `skein-test:${process.pid}:${Date.now()}:${++prefixes}`;
const opened: TestGateway[] = [];

async function gateway(settings: Partial<GatewaySettings>, via: 'lane' | 'yoga' = 'lane', log: CapturedLog = captureLog()): Promise<TestGateway> {
  const files = { sources: { 'shop.graphql': SOURCE(upstream.url) }, composites: COMPOSITES };
  const started = await startTestGateway(files, {}, { settings, via, logger: log.logger });
  opened.push(started);
  return started;
}
const originOf = (g: TestGateway) => new URL(g.url).origin;
const soapCall = (g: TestGateway, name: string) =>
  fetch(`${originOf(g)}/soap/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${name}"` },
    body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${name} xmlns="urn:skein:composite:${name}"><orderId>1</orderId></${name}></soap:Body></soap:Envelope>`,
  });

beforeAll(async () => {
  upstream = await startRecordingUpstream({ 'GET /orders/1': { json: { id: '1', total: 9.5 } } });
});
afterAll(async () => {
  await Promise.all(opened.map((g) => g.close()));
  await upstream.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`skein-test:${process.pid}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('--rate-limit', () => {
  it('reads 100/s, 10/m, 3/h and refuses anything else, naming the flag', () => {
    expect(parseRateLimit('100/s', '--rate-limit')).toEqual({ points: 100, seconds: 1, text: '100/s' });
    expect(parseRateLimit(' 10 / minute ', '--rate-limit')).toEqual({ points: 10, seconds: 60, text: '10/m' });
    expect(parseRateLimit('3/h', 'SKEIN_RATE_LIMIT').seconds).toBe(3600);
    expect(() => parseRateLimit('100', 'SKEIN_RATE_LIMIT')).toThrow('SKEIN_RATE_LIMIT must be a number of requests (at least 1) per s, m or h, such as 100/s or 3/h; not "100"');
    expect(() => parseRateLimit('0/s', '--rate-limit')).toThrow('--rate-limit must be');
    expect(() => parseRateLimit('5/d', '--rate-limit')).toThrow('not "5/d"');
  });

  it('refuses a composite whose # @rateLimit comment does not parse, naming its file and line', async () => {
    const files = { sources: { 'shop.graphql': SOURCE(upstream.url) }, composites: { 'bad.graphql': `# @rateLimit lots\nquery bad { order(id: "1") { id } }` } };
    await expect(startTestGateway(files)).rejects.toThrow(/bad\.graphql:2:1: composite bad: "# @rateLimit" must be a number of requests/);
  });

  describe.each(DOORS)('through the %s door', (via) => {
    it('answers the fourth request of 3/h with 429, Retry-After and RATE_LIMITED, calling no upstream; /api counts against the same limit', async () => {
      const g = await gateway({ rateLimit: parseRateLimit('3/h', 'test') }, via);
      for (let i = 0; i < 3; i++) expect((await g.query(QUERY)).data).toEqual({ order: { total: 9.5 } });
      const calls = upstream.received.length;
      const refused = await g.query(QUERY);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([
        {
          message: `Rate limit exceeded: this gateway allows 3/h per client; retry in ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', retryAfter },
        },
      ]);
      const api = await fetch(`${originOf(g)}/api/orderPage?orderId=1`);
      expect(api.status).toBe(429);
      expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await api.json()) as any).errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
      expect(upstream.received.length).toBe(calls);
    });
  });

  it('holds /api and /soap to it as well: the same counters, whichever door a client comes by', async () => {
    const g = await gateway({ rateLimit: parseRateLimit('2/h', 'test') });
    expect((await fetch(`${originOf(g)}/api/orderPage?orderId=1`)).status).toBe(200);
    expect((await soapCall(g, 'orderPage')).status).toBe(200);
    const fault = await soapCall(g, 'orderPage');
    expect(fault.status).toBe(429);
    expect(Number(fault.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await fault.text();
    expect(text).toContain('RATE_LIMITED');
    expect(text).toContain('Rate limit exceeded: this gateway allows 2/h per client');
  });
});

describe("a composite's # @rateLimit", () => {
  it('limits calls of that composite, at /api, /graphql and /soap together, and nothing else', async () => {
    const g = await gateway({});
    expect((await fetch(`${originOf(g)}/api/limitedPage?orderId=1`)).status).toBe(200);
    expect((await g.query('{ limitedPage(orderId: "1") { order { id } } }')).status).toBe(200);
    const refused = await fetch(`${originOf(g)}/api/limitedPage?orderId=1`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).errors[0].message).toMatch(/^Rate limit exceeded: composite limitedPage allows 2\/h per client; retry in \d+ s$/);
    expect((await g.query('{ x: limitedPage(orderId: "1") { order { id } } }')).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await soapCall(g, 'limitedPage')).status).toBe(429);
    // The rest is not limited: no --rate-limit.
    for (let i = 0; i < 4; i++) expect((await fetch(`${originOf(g)}/api/orderPage?orderId=1`)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(200);
  });

  it("is counted instead of the gateway's limit for that composite", async () => {
    const g = await gateway({ rateLimit: parseRateLimit('3/h', 'test') });
    for (let i = 0; i < 2; i++) expect((await fetch(`${originOf(g)}/api/limitedPage?orderId=1`)).status).toBe(200);
    // Two calls of limitedPage spent none of the gateway's three.
    for (let i = 0; i < 3; i++) expect((await g.query(QUERY)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(429);
  });
});

describe('counters in Redis', () => {
  it('are shared by two gateways on the same Redis (and not by gateways counting in memory)', async () => {
    const shared = { rateLimit: parseRateLimit('3/h', 'test'), redisUrl: REDIS_URL, redisKeyPrefix: prefix() };
    const a = await gateway(shared);
    const b = await gateway(shared, 'yoga');
    expect((await a.query(QUERY)).status).toBe(200);
    expect((await a.query(QUERY)).status).toBe(200);
    expect((await fetch(`${originOf(b)}/api/orderPage?orderId=1`)).status).toBe(200);
    const refused = await b.query(QUERY);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await a.query(QUERY)).status).toBe(429);
    const ready = await fetch(`${originOf(a)}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: ['schema', 'rate-limits'] });

    const alone = { rateLimit: parseRateLimit('3/h', 'test') };
    const c = await gateway(alone);
    const d = await gateway(alone);
    for (let i = 0; i < 3; i++) expect((await c.query(QUERY)).status).toBe(200);
    expect((await d.query(QUERY)).status).toBe(200);
  });

  it('with Redis unreachable from the start, counts in memory, logs it once, and /readyz says so while staying 200', async () => {
    const port = await closedPort();
    const log = captureLog();
    const logged = log.lines;
    const g = await gateway({ rateLimit: parseRateLimit('2/h', 'test'), redisUrl: `redis://:s3cret@127.0.0.1:${port}`, redisKeyPrefix: prefix() }, 'lane', log);
    expect((await g.query(QUERY)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(429);
    const ready = await fetch(`${originOf(g)}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as any;
    expect(body.status).toBe('ready');
    expect(body.degraded['rate-limits']).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port} is unreachable \\(.*ECONNREFUSED.*\\); counting in this gateway's memory until it answers$`));
    expect(logged.filter((l) => l.includes('is unreachable'))).toHaveLength(1);
    expect(JSON.stringify(body) + logged.join('\n')).not.toContain('s3cret');
  });

  it('with Redis going away mid-run, goes on limiting in memory and /readyz says so', async () => {
    const proxy = await startTcpProxy(6379);
    const log = captureLog();
    const logged = log.lines;
    const g = await gateway({ rateLimit: parseRateLimit('2/h', 'test'), redisUrl: `redis://127.0.0.1:${proxy.port}`, redisKeyPrefix: prefix() }, 'lane', log);
    expect((await g.query(QUERY)).status).toBe(200); // counted in Redis
    await proxy.stop(); // Redis gone: connections cut, new ones refused
    // In memory now, from zero: two more, then refused (not open, not closed).
    expect((await g.query(QUERY)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(200);
    expect((await g.query(QUERY)).status).toBe(429);
    const ready = (await (await fetch(`${originOf(g)}/readyz`)).json()) as any;
    expect(ready.status).toBe('ready');
    expect(ready.degraded['rate-limits']).toContain("counting in this gateway's memory");
    expect(logged.some((l) => l.includes(`Redis at 127.0.0.1:${proxy.port} is unreachable`))).toBe(true);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP proxy to a local port that can be stopped: Redis going away, as the gateway sees it. */
async function startTcpProxy(target: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstreamSocket = net.connect(target, '127.0.0.1');
    for (const s of [client, upstreamSocket]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstreamSocket).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
