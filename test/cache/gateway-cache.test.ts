import { loggerTo } from '../helpers/log-capture.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/composite/index.js';
import type { GatewaySettings } from '../../src/server/index.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// Response caching through every door (/graphql's two, /api, /soap, /mcp): a cached answer makes no upstream call, says
// Cache-Control and Age, is kept per subject when PRIVATE, is never a mutation's nor an
// answer with errors, and is held to rate limits and authorization like any other.

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
type Order @cacheControl(maxAge: 60) { id: ID! total: Float userId: ID }
type User { id: ID! name: String }
type Cart { items: Int }
type Query {
  order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}")
  user(id: ID!): User @rest(source: "shop", path: "/users/{id}") @cacheControl(maxAge: 30)
  clock: String @rest(source: "shop", path: "/clock")
  myCart: Cart @rest(source: "shop", path: "/cart", headers: [{ name: "x-user", value: "{jwt.sub}" }]) @cacheControl(maxAge: 60, scope: PRIVATE)
  secretOrder(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") @requiresScopes(scopes: [["orders:read"]])
}
type Mutation { touch(id: ID!): Order @rest(source: "shop", method: POST, path: "/orders/{id}/touch") }`;
const ORDER_PAGE = `# An order and who placed it, for pages polled often.
query orderPage($orderId: ID!, $userId: ID! @internal) @cacheControl(maxAge: 120) {
  order(id: $orderId) { id total userId @export(as: "userId") }
  user(id: $userId) { name }
}`;
const PAGE_QUERY = 'query($id: ID!) { orderPage(orderId: $id) { order { id total } user { name } } }';

let upstream: RecordingUpstream;
const opened: TestGateway[] = [];
beforeAll(async () => {
  upstream = await startRecordingUpstream({
    'GET /orders/404': { status: 404, json: { error: 'no such order' } },
    'GET /orders/*': (request) => ({ json: { id: request.path.split('/')[2], total: 9.5, userId: '7' } }),
    'GET /users/*': (request) => ({ json: { id: request.path.split('/')[2], name: 'Ada' } }),
    'GET /clock': { json: 'tick' },
    'GET /cart': (request) => ({ json: { items: String(request.headers['x-user'] ?? '').length } }),
    'POST /orders/*/touch': { json: { id: '1', total: 1 } },
  });
});
afterAll(async () => {
  await Promise.all(opened.map((g) => g.close()));
  await upstream.close();
});
beforeEach(() => void (upstream.received.length = 0));

async function gateway(settings: Partial<GatewaySettings> = {}, via: 'lane' | 'yoga' = 'lane'): Promise<TestGateway> {
  const started = await startTestGateway(
    { sources: { 'shop.graphql': SOURCE(upstream.url) }, composites: { 'orderPage.graphql': ORDER_PAGE } },
    {},
    { settings: { cache: true, ...settings }, via, logger: loggerTo() },
  );
  opened.push(started);
  return started;
}
const calls = (path: string) => upstream.received.filter((r) => r.path === path).length;
const token = (sub: string, scope = '') =>
  new SignJWT({ scope }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
const originOf = (g: TestGateway) => new URL(g.url).origin;

describe.each(DOORS)('through the %s door', (via) => {
  it('answers a composite from the cache the second time, calling no upstream, with Cache-Control and Age', async () => {
    const g = await gateway({}, via);
    const first = await g.query(PAGE_QUERY, { id: '1' });
    expect(first.data).toEqual({ orderPage: { order: { id: '1', total: 9.5 }, user: { name: 'Ada' } } });
    expect(first.headers.get('cache-control')).toBe('max-age=120, public');
    expect(first.headers.get('age')).toBeNull();
    expect(upstream.received.map((r) => r.path)).toEqual(['/orders/1', '/users/7']);

    const second = await g.query(PAGE_QUERY, { id: '1' });
    expect(second.data).toEqual(first.data);
    expect(second.errors).toBeUndefined();
    expect(second.headers.get('cache-control')).toBe('max-age=120, public');
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(upstream.received).toHaveLength(2);

    // Other variables are another answer.
    await g.query(PAGE_QUERY, { id: '2' });
    expect(calls('/orders/2')).toBe(1);
  });

  it('says no-store and calls every time for an answer nothing allows to cache, a mutation, and an answer with errors', async () => {
    const g = await gateway({}, via);
    for (let i = 0; i < 2; i++) {
      const clock = await g.query('{ clock }');
      expect(clock.headers.get('cache-control')).toBe('no-store');
      const touched = await g.query('mutation { touch(id: "1") { id } }');
      expect(touched.data).toEqual({ touch: { id: '1' } });
      expect(touched.headers.get('cache-control')).toBe('no-store');
      const missing = await g.query('{ order(id: "404") { id } }');
      expect(missing.errors?.[0].extensions?.code).toBe('UPSTREAM_HTTP_ERROR');
      expect(missing.headers.get('cache-control')).toBe('no-store');
    }
    expect([calls('/clock'), calls('/orders/1/touch'), calls('/orders/404')]).toEqual([2, 2, 2]);
  });

  it('caches an upstream call of a field with a maxAge inside an answer that cannot be cached', async () => {
    const g = await gateway({}, via);
    for (let i = 0; i < 3; i++) {
      const answer = await g.query('{ user(id: "5") { name } clock }');
      expect(answer.data).toEqual({ user: { name: 'Ada' }, clock: 'tick' });
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect([calls('/users/5'), calls('/clock')]).toEqual([1, 3]);
  });

  it('reads @skip and @include with the request\'s variables', async () => {
    const g = await gateway({}, via);
    const query = 'query($now: Boolean!) { user(id: "6") { name } clock @include(if: $now) }';
    expect((await g.query(query, { now: true })).headers.get('cache-control')).toBe('no-store');
    expect((await g.query(query, { now: false })).headers.get('cache-control')).toBe('max-age=30, public');
    expect((await g.query(query, { now: false })).headers.get('age')).not.toBeNull();
    expect((await g.query(query, { now: true })).headers.get('cache-control')).toBe('no-store');
  });

  it('keeps a PRIVATE answer per JWT subject, and not at all without one', async () => {
    const g = await gateway({ jwt: { secret: SECRET } }, via);
    const [ada, bob] = [bearer(await token('ada')), bearer(await token('bob'))];
    expect((await g.query('{ myCart { items } }', {}, ada)).data).toEqual({ myCart: { items: 3 } });
    const again = await g.query('{ myCart { items } }', {}, ada);
    expect(again.data).toEqual({ myCart: { items: 3 } });
    expect(again.headers.get('cache-control')).toBe('max-age=60, private');
    expect(again.headers.get('age')).not.toBeNull();
    expect((await g.query('{ myCart { items } }', {}, bob)).data).toEqual({ myCart: { items: 3 } });
    expect(upstream.received.map((r) => r.headers['x-user'])).toEqual(['ada', 'bob']);

    const anonymous = await g.query('{ myCart { items } }');
    expect(anonymous.headers.get('cache-control')).toBe('max-age=60, private');
    await g.query('{ myCart { items } }');
    expect(calls('/cart')).toBe(4);
  });

  it('never serves a cached answer to a request that may not read it', async () => {
    const g = await gateway({ jwt: { secret: SECRET } }, via);
    const reader = bearer(await token('ada', 'orders:read'));
    const query = '{ secretOrder(id: "3") { total } }';
    expect((await g.query(query, {}, reader)).data).toEqual({ secretOrder: { total: 9.5 } });
    const hit = await g.query(query, {}, reader);
    expect(hit.data).toEqual({ secretOrder: { total: 9.5 } });
    expect(hit.headers.get('cache-control')).toBe('max-age=60, private');
    expect(calls('/orders/3')).toBe(1);

    const anonymous = await g.query(query);
    expect(anonymous.data).toEqual({ secretOrder: null });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // The same subject with a token that lacks the scope.
    const unscoped = await g.query(query, {}, bearer(await token('ada')));
    expect(unscoped.data).toEqual({ secretOrder: null });
    expect(unscoped.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(unscoped.headers.get('cache-control')).toBe('no-store');
    expect(calls('/orders/3')).toBe(1);
  });

  it('counts a cached answer against the rate limit', async () => {
    const g = await gateway({ rateLimit: parseRateLimit('2/h', 'test') }, via);
    expect((await g.query(PAGE_QUERY, { id: '1' })).status).toBe(200);
    expect((await g.query(PAGE_QUERY, { id: '1' })).headers.get('age')).not.toBeNull();
    const refused = await g.query(PAGE_QUERY, { id: '1' });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('the other doors', () => {
  it('serves a cached composite at /api (GET) with Cache-Control and Age, and at /soap, calling no upstream', async () => {
    const g = await gateway();
    const first = await fetch(`${originOf(g)}/api/orderPage?orderId=8`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('max-age=120, public');
    const body = await first.json();
    expect(body).toEqual({ data: { order: { id: '8', total: 9.5, userId: '7' }, user: { name: 'Ada' } } });
    const second = await fetch(`${originOf(g)}/api/orderPage?orderId=8`);
    expect(await second.json()).toEqual(body);
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(calls('/orders/8')).toBe(1);

    const soap = () =>
      fetch(`${originOf(g)}/soap/orderPage`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"orderPage"' },
        body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><orderPage xmlns="urn:skein:composite:orderPage"><orderId>9</orderId></orderPage></soap:Body></soap:Envelope>`,
      });
    const [a, b] = [await soap(), await soap()];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await b.text()).toContain('<tns:total>9.5</tns:total>');
    expect(calls('/orders/9')).toBe(1);
  });

  it('serves a cached composite as an MCP tool, calling no upstream', async () => {
    const g = await gateway();
    const client = new Client({ name: 'skein-cache-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(g.gateway.mcpUrl)));
    try {
      const call = () => client.callTool({ name: 'orderPage', arguments: { orderId: '11' } }) as Promise<CallToolResult>;
      const [first, second] = [await call(), await call()];
      expect(first.isError).toBeFalsy();
      expect(second.structuredContent ?? second.content).toEqual(first.structuredContent ?? first.content);
      expect(calls('/orders/11')).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('lets a page on an allowed origin read Age', async () => {
    const g = await gateway({ corsOrigins: ['https://app.example.com'] });
    const response = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com', 'x-skein-csrf': '1' },
      body: JSON.stringify({ query: PAGE_QUERY, variables: { id: '1' } }),
    });
    expect(response.headers.get('access-control-expose-headers')).toContain('age');
    expect(response.headers.get('cache-control')).toBe('max-age=120, public');
  });

  it('counts hits, misses and entries too large in /metrics; an entry too large is served, not kept', async () => {
    // Each request offers three entries: the answer, and the calls of order and user (both with a maxAge).
    const g = await gateway({ cacheMaxEntryBytes: 40 });
    for (let i = 0; i < 2; i++) expect((await g.query(PAGE_QUERY, { id: '1' })).data?.orderPage.user).toEqual({ name: 'Ada' });
    expect(calls('/orders/1')).toBe(2);
    const metrics = await (await fetch(`${originOf(g)}/metrics`)).text();
    expect(metrics).toContain('skein_cache_skipped_total{reason="too_large"} 6');
    expect(metrics).toContain('skein_cache_lookups_total{result="hit"} 0');
  });

  it('with the cache off, installs nothing: no Cache-Control, every request calls upstream', async () => {
    const g = await gateway({ cache: false });
    for (let i = 0; i < 2; i++) expect((await g.query(PAGE_QUERY, { id: '1' })).headers.get('cache-control')).toBeNull();
    expect(calls('/orders/1')).toBe(2);
    expect(await (await fetch(`${originOf(g)}/metrics`)).text()).not.toContain('skein_cache');
  });
});
