import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { PREFLIGHT_MAX_AGE_SECONDS } from '../../src/server/cors.js';

// A browser page on an allowed origin can call every public endpoint (/graphql, the
// composites' REST endpoints and OpenAPI document under /api, their SOAP operations and
// WSDLs under /soap), preflights included; a page on another origin gets no CORS header
// anywhere; /mcp keeps refusing browsers. With CORS off, a preflight is refused as one.

const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
  type Order { id: ID! total: Float }
  type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`;
const COMPOSITE = `query orderPage($orderId: ID!) { order(id: $orderId) { id total } }`;

const APP = 'http://app.example';
const EVIL = 'http://evil.example';

/** Every public endpoint, as a page would call it without a preflight (GET) or after one (POST). */
const SIMPLE_CALLS: Array<[string, string, RequestInit]> = [
  ['/graphql (GET)', '/graphql?query=%7B__typename%7D', { headers: { 'x-skein-csrf': '1' } }],
  ['/graphql (POST)', '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ order(id: "1") { id } }' }) }],
  ['/api (catalog)', '/api', {}],
  ['/api/openapi.json', '/api/openapi.json', {}],
  ['/api/orderPage', '/api/orderPage?orderId=1', {}],
  ['/soap/orderPage?wsdl', '/soap/orderPage?wsdl', {}],
];
const PREFLIGHT_PATHS: Array<[string, string]> = [
  ['/graphql', 'GET, POST'],
  ['/api/orderPage', 'GET, HEAD, POST'],
  ['/api/openapi.json', 'GET, HEAD, POST'],
  ['/soap/orderPage', 'GET, HEAD, POST'],
];

describe('CORS on every public endpoint', () => {
  let upstream: RecordingUpstream;
  const gateways: Record<'listed' | 'any' | 'off', TestGateway> = {} as never;
  const origin = (which: keyof typeof gateways) => new URL(gateways[which].url).origin;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /orders/1': { json: { id: '1', total: 9.5 } } });
    const files = { sources: { 'shop.graphql': SOURCE(upstream.url) }, composites: { 'orderPage.graphql': COMPOSITE } };
    gateways.listed = await startTestGateway(files, {}, { settings: { corsOrigins: [APP] } });
    gateways.any = await startTestGateway(files, {}, { settings: { corsOrigins: ['*'] } });
    gateways.off = await startTestGateway(files, {}, { settings: { corsOrigins: [] } });
  });
  afterAll(async () => {
    await Promise.all(Object.values(gateways).map((g) => g.close()));
    await upstream.close();
  });

  const preflight = (base: string, path: string, from: string) =>
    fetch(`${base}${path}`, {
      method: 'OPTIONS',
      headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });

  describe.each(SIMPLE_CALLS)('%s', (_name, path, init) => {
    it('answers an allowed origin with its CORS headers, and the page can read the answer', async () => {
      const response = await fetch(`${origin('listed')}${path}`, { ...init, headers: { ...(init.headers as object), origin: APP } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      await response.arrayBuffer();
    });

    it('gives another origin no CORS header at all', async () => {
      const response = await fetch(`${origin('listed')}${path}`, { ...init, headers: { ...(init.headers as object), origin: EVIL } });
      for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      await response.arrayBuffer();
    });

    it('with --cors-origins *, allows any origin, without credentials', async () => {
      const response = await fetch(`${origin('any')}${path}`, { ...init, headers: { ...(init.headers as object), origin: EVIL } });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      await response.arrayBuffer();
    });
  });

  describe.each(PREFLIGHT_PATHS)('preflight to %s', (path, methods) => {
    it('is answered 204 for an allowed origin, with methods, the headers asked for and a max age', async () => {
      const response = await preflight(origin('listed'), path, APP);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('access-control-allow-methods')).toBe(methods);
      expect(response.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
      expect(response.headers.get('access-control-max-age')).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(await response.text()).toBe('');
    });

    it('is refused 403 CORS_ORIGIN_NOT_ALLOWED, without CORS headers, for another origin', async () => {
      const response = await preflight(origin('listed'), path, EVIL);
      expect(response.status).toBe(403);
      for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
      expect(body.errors[0].message).toContain(`the origin ${EVIL} is not one of --cors-origins`);
    });

    it('with CORS off, is refused as a preflight that is not allowed (not as a CSRF one)', async () => {
      const response = await preflight(origin('off'), path, APP);
      expect(response.status).toBe(403);
      for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
      expect(body.errors[0].message).toContain(`CORS is off`);
      expect(body.errors[0].message).toContain(`--cors-origins ${APP}`);
      expect(body.errors[0].message).not.toContain('skips the CORS preflight');
    });
  });

  it('with CORS off, still refuses a cross-site GET without a CSRF header, saying why', async () => {
    const response = await fetch(`${origin('off')}/graphql?query=%7B__typename%7D`, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } });
    expect(response.status).toBe(403);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe('CSRF_HEADER_REQUIRED');
    for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
  });

  it('programs (no Origin) are answered as before, without CORS headers', async () => {
    const answer = await gateways.listed.query('{ order(id: "1") { total } }');
    expect(answer.data).toEqual({ order: { total: 9.5 } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves /mcp refusing browser pages, even from an allowed origin', async () => {
    const response = await preflight(origin('listed'), '/mcp', APP);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${origin('listed')}/mcp`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    await post.arrayBuffer();
  });
});
