import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// JWT verification and field authorization, through both doors of /graphql and through
// /api: a bad token is refused as a whole (401, UNAUTHENTICATED, naming the check, never
// repeating the token); a field the token may not read is null with its own error while
// the rest is answered; a refused composite step never calls its upstream; verified
// claims reach upstreams through header templates; known keys outlive the JWKS server.

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'skein';
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
  type Order { id: ID! userId: ID total: Float @requiresScopes(scopes: [["orders:read"], ["admin"]]) }
  type User @authenticated { id: ID! name: String }
  type Query {
    order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}", headers: [
      { name: "x-tenant", value: "{jwt.claims.tenant}" }, { name: "x-user", value: "{jwt.sub}" }])
    user(id: ID!): User @rest(source: "shop", path: "/users/{id}")
    audit(id: ID!): Order @rest(source: "shop", path: "/audit/{id}") @requiresScopes(scopes: [["audit:read"]])
  }`;

// The composite needs a token; its audit step needs the audit:read scope besides.
const ORDER_AUDIT = `query orderAudit($id: ID!) @authenticated {
  order(id: $id) { id }
  audit(id: $id) { id }
}`;
const ADMIN_REPORT = `query adminReport($id: ID!) @requiresScopes(scopes: [["admin"]]) {
  audit(id: $id) { id }
}`;

interface Jwks {
  readonly url: string;
  close(): Promise<void>;
}

async function startJwks(keys: JWK[]): Promise<Jwks> {
  const body = JSON.stringify({ keys });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe.each(DOORS)('authentication and authorization (%s)', (via) => {
  let signing: CryptoKey;
  let stranger: CryptoKey;
  let jwks: Jwks;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let origin: string;

  /** A token as the issuer would sign it; `change` adjusts it. */
  const token = (claims: Record<string, unknown> = {}, change: (jwt: SignJWT) => SignJWT = (jwt) => jwt, key: CryptoKey = signing, kid = 'k1') =>
    change(
      new SignJWT({ tenant: 'acme', scope: 'orders:read', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject('user-42')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m'),
    ).sign(key);
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signing = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    jwks = await startJwks([{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }]);
    upstream = await startRecordingUpstream({
      'GET /orders/*': { json: { id: '1', userId: '8', total: 12.5 } },
      'GET /users/*': { json: { id: '8', name: 'Ada' } },
      'GET /audit/*': { json: { id: '1' } },
    });
    gateway = await startTestGateway(
      {
        sources: { 'shop.graphql': SOURCE(upstream.url) },
        composites: { 'orderAudit.graphql': ORDER_AUDIT, 'adminReport.graphql': ADMIN_REPORT },
      },
      {},
      // Keys are fetched again for every token, so the test below sees what a stale cache meets when the JWKS server is gone.
      { via, settings: { jwt: { jwksUrl: jwks.url, secret: SECRET, issuer: ISSUER, audience: AUDIENCE, jwksCacheMaxAgeMs: 0 } } },
    );
    origin = new URL(gateway.url).origin;
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await jwks?.close();
  });

  const callsTo = (prefix: string) => upstream.received.filter((r) => r.path.startsWith(prefix)).length;

  it('answers a valid token, and its claims reach the upstream through header templates', async () => {
    const before = upstream.received.length;
    const answer = await gateway.query('{ order(id: "1") { id total } }', {}, bearer(await token()));
    expect(answer.status).toBe(200);
    expect(answer).toMatchObject({ data: { order: { id: '1', total: 12.5 } } });
    expect(answer.errors).toBeUndefined();
    const call = upstream.received[before];
    expect(call.headers['x-tenant']).toBe('acme');
    expect(call.headers['x-user']).toBe('user-42');
  });

  it('answers a token verified before from what it proved then (claims still reach the upstream); "Bearer" without a token is refused', async () => {
    const same = await token({ tenant: 'globex' });
    for (let i = 0; i < 3; i++) {
      const before = upstream.received.length;
      const answer = await gateway.query('{ order(id: "1") { id } }', {}, bearer(same));
      expect(answer).toMatchObject({ status: 200, data: { order: { id: '1' } } });
      expect(upstream.received[before].headers['x-tenant']).toBe('globex');
    }
    const empty = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer ' },
      body: JSON.stringify({ query: '{ order(id: "1") { id } }' }),
    });
    expect(empty.status).toBe(401);
    expect(empty.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"');
    expect((await empty.json()).errors[0]).toMatchObject({ message: 'the Authorization header says Bearer but carries no token', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('accepts an HS256 token signed with the configured secret', async () => {
    const hs = await new SignJWT({ scope: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('svc')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const answer = await gateway.query('{ order(id: "1") { total } }', {}, bearer(hs));
    expect(answer).toMatchObject({ status: 200, data: { order: { total: 12.5 } } });
    expect(answer.errors).toBeUndefined();
  });

  const invalid: Array<[string, () => Promise<string>, RegExp]> = [
    ['a bad signature', () => token({}, undefined, stranger), /signature does not verify/],
    ['alg: none', async () => `${base64url({ alg: 'none' })}.${base64url({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })}.`, /algorithm|well-formed/],
    ['an expired token', () => token({}, (jwt) => jwt.setExpirationTime(now() - 120)), /expired \(exp\)/],
    ['a token not valid yet', () => token({}, (jwt) => jwt.setNotBefore(now() + 3600)), /not valid yet \(nbf\)/],
    ['the wrong issuer', () => token({}, (jwt) => jwt.setIssuer('https://elsewhere.test')), /wrong issuer \(iss\)/],
    ['the wrong audience', () => token({}, (jwt) => jwt.setAudience('someone-else')), /wrong audience \(aud\)/],
    ['an unknown kid', () => token({}, undefined, stranger, 'k9'), /no known key has its key id \(kid\)/],
    ['a malformed token', async () => 'garbage.token-0123456789.xyz', /well-formed/],
  ];
  it.each(invalid)('refuses %s with 401 UNAUTHENTICATED naming the check, without echoing it', async (_case, make, check) => {
    const bad = await make();
    const before = upstream.received.length;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer(bad) },
      body: JSON.stringify({ query: '{ order(id: "1") { id } }' }),
    });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = JSON.parse(text);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toMatch(check);
    for (const part of [bad, ...bad.split('.').filter((segment) => segment.length > 8)]) expect(text).not.toContain(part);
    expect(upstream.received.length).toBe(before);
  });

  it('answers an unauthorized field with null and an error at its path, and the rest of the query', async () => {
    // No orders:read: `total` is forbidden, `id` is answered; without a token `user` is unauthenticated.
    const withToken = await gateway.query('{ order(id: "1") { id total } }', {}, bearer(await token({ scope: 'profile' })));
    expect(withToken.status).toBe(200);
    expect(withToken.data).toEqual({ order: { id: '1', total: null } });
    expect(withToken.errors).toEqual([expect.objectContaining({ path: ['order', 'total'], extensions: { code: 'FORBIDDEN' } })]);
    expect(withToken.errors![0].message).toContain('orders:read');

    const anonymous = await gateway.query('{ order(id: "1") { id } user(id: "8") { name } }');
    expect(anonymous.status).toBe(200);
    expect(anonymous.data).toEqual({ order: { id: '1' }, user: null });
    expect(anonymous.errors).toEqual([expect.objectContaining({ path: ['user'], extensions: { code: 'UNAUTHENTICATED' } })]);
  });

  it('reads scopes from an scp array as well as from scope', async () => {
    const answer = await gateway.query('{ order(id: "1") { total } }', {}, bearer(await token({ scope: undefined, scp: ['admin'] })));
    expect(answer).toMatchObject({ data: { order: { total: 12.5 } } });
    expect(answer.errors).toBeUndefined();
  });

  it('does not call the upstream of a composite step that is not allowed', async () => {
    const audits = callsTo('/audit/');
    const answer = await gateway.query('{ orderAudit(id: "1") { order { id } audit { id } } }', {}, bearer(await token()));
    expect(answer.data).toEqual({ orderAudit: { order: { id: '1' }, audit: null } });
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['orderAudit', 'audit'], extensions: { code: 'FORBIDDEN' } })]);
    expect(callsTo('/audit/')).toBe(audits);

    const allowed = await gateway.query('{ orderAudit(id: "1") { audit { id } } }', {}, bearer(await token({ scope: 'audit:read' })));
    expect(allowed.data).toEqual({ orderAudit: { audit: { id: '1' } } });
    expect(callsTo('/audit/')).toBe(audits + 1);
  });

  it('/api answers 401 and 403 by the same rules, calling nothing it refuses', async () => {
    const before = upstream.received.length;
    const anonymous = await fetch(`${origin}/api/orderAudit?id=1`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const badToken = await fetch(`${origin}/api/orderAudit?id=1`, { headers: bearer(await token({}, (jwt) => jwt.setExpirationTime(now() - 120))) });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    // As the caller reads it: the code and the check, nothing of the gateway's internals.
    expect((await badToken.json()).errors).toEqual([
      { message: 'the bearer token was rejected: it has expired (exp)', extensions: { code: 'UNAUTHENTICATED' } },
    ]);

    const forbidden = await fetch(`${origin}/api/adminReport?id=1`, { headers: bearer(await token()) });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(upstream.received.length).toBe(before);

    const partial = await fetch(`${origin}/api/orderAudit?id=1`, { headers: bearer(await token()) });
    expect(partial.status).toBe(200);
    expect(await partial.json()).toMatchObject({ data: { order: { id: '1' }, audit: null }, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('/soap answers 401 and 403 Faults by the same rules', async () => {
    const call = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${origin}/soap/adminReport`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
        body:
          '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:skein:composite:adminReport">' +
          '<s:Body><c:adminReport><c:id>1</c:id></c:adminReport></s:Body></s:Envelope>',
      });
      return { status: response.status, challenge: response.headers.get('www-authenticate'), text: await response.text() };
    };
    const before = upstream.received.length;
    const anonymous = await call();
    expect(anonymous).toMatchObject({ status: 401, challenge: 'Bearer' });
    expect(anonymous.text).toContain('<faultcode>soap:Client</faultcode>');
    expect(anonymous.text).toContain('UNAUTHENTICATED');
    const expired = await call(bearer(await token({}, (jwt) => jwt.setExpirationTime(now() - 120))));
    expect(expired.status).toBe(401);
    expect(expired.text).toMatch(/expired \(exp\)/);
    const forbidden = await call(bearer(await token()));
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('FORBIDDEN');
    expect(upstream.received.length).toBe(before);
    const allowed = await call(bearer(await token({ scope: 'admin audit:read' })));
    expect(allowed.status).toBe(200);
    expect(upstream.received.length).toBe(before + 1);
  });

  it('/mcp answers a bad token 401 at the HTTP layer and a missing scope as a tool error, calling nothing it refuses', async () => {
    const call = async (headers: Record<string, string>) => {
      const client = new Client({ name: 'auth-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(gateway.gateway.mcpUrl), { requestInit: { headers } }));
      try {
        return (await client.callTool({ name: 'adminReport', arguments: { id: '1' } })) as CallToolResult;
      } finally {
        await client.close();
      }
    };
    const before = upstream.received.length;
    const forbidden = await call(bearer(await token()));
    expect(forbidden.isError).toBe(true);
    expect(JSON.stringify(forbidden.content)).toContain('FORBIDDEN');
    // A token that fails a check never reaches a session: 401 with the Bearer challenge, as MCP's authorization asks.
    const expiredToken = await token({}, (jwt) => jwt.setExpirationTime(now() - 120));
    await expect(call(bearer(expiredToken))).rejects.toThrow(/the bearer token was rejected: it has expired \(exp\)/);
    const raw = await fetch(gateway.gateway.mcpUrl, {
      method: 'POST',
      headers: { ...bearer(expiredToken), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const refusal = await raw.text();
    expect(refusal).toMatch(/expired \(exp\)/);
    expect(refusal).not.toContain(expiredToken.split('.')[1]);
    expect(upstream.received.length).toBe(before);
  });

  it('keeps verifying with known keys when the JWKS server is down', async () => {
    // A token never seen before (verified tokens are remembered), signed with a key fetched before.
    const valid = await token({ jti: 'after-the-jwks-server-stops' });
    await jwks.close();
    const answer = await gateway.query('{ order(id: "1") { id } }', {}, bearer(valid));
    expect(answer).toMatchObject({ status: 200, data: { order: { id: '1' } } });
    // A key it never saw still cannot be trusted.
    const unknown = await gateway.query('{ order(id: "1") { id } }', {}, bearer(await token({}, undefined, stranger, 'k9')));
    expect(unknown.status).toBe(401);
    expect(unknown.errors![0].message).toMatch(/kid/);
  });
});
