import { createHash } from 'node:crypto';
import http from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/graph/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { DOORS, graphOfSchema } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { expectNothingLeaked, startHardenedGateway, type HardenedGateway } from './harness.js';
import { captureLog } from '../helpers/log-capture.js';

const SOURCES = (url: string) => ({
  'orders.graphql': `extend schema @source(name: "orders", kind: REST, url: "${url}")
    type User { id: ID! name: String friend: User }
    type Order { id: ID! userId: ID total: Float buyer: User }
    type Query {
      order(id: ID!): Order @rest(source: "orders", path: "/orders/{id}")
      user(id: ID!): User @rest(source: "orders", path: "/users/{id}")
      orders(limit: Int): [Order!]! @rest(source: "orders", path: "/orders")
    }`,
});

// Three aliases and three directives inside: more than a client may send here, but a
// composite's own document is not held to the client's limits.
const COMPOSITE = `query orderAndUser($orderId: ID!, $userId: ID @internal) {
  order(id: $orderId) { ref: id buyerId: userId @export(as: "userId") sum: total @include(if: true) @skip(if: false) }
  user(id: $userId) { name }
}`;

describe.each(DOORS)('request limits, each with a clear error (%s)', (via) => {
  let upstream: RecordingUpstream;
  let gw: HardenedGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /orders/*': { json: { id: '1', userId: '8', total: 10 } },
      'GET /users/*': { json: { id: '8', name: 'Ada' } },
      'GET /orders': { json: [{ id: '1', userId: '8', total: 10 }] },
    });
    gw = await startHardenedGateway(
      { sources: SOURCES(upstream.url), composites: { 'orderAndUser.graphql': COMPOSITE } },
      { maxDepth: 3, maxAliases: 1, maxDirectives: 1, maxTokens: 60, maxCost: 25, maxBodyBytes: 4_000, maxBatch: 2 },
      via,
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  const refused = async (query: string, code: string, message: RegExp) => {
    const answer = await gw.query(query);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].extensions?.code).toBe(code);
    expect(answer.errors![0].message).toMatch(message);
    expectNothingLeaked(answer);
  };

  it('depth', () =>
    refused('{ user(id: "1") { friend { friend { name } } } }', 'QUERY_TOO_DEEP', /^Query depth limit of 3 exceeded, found 4\. \(raise it with SKEIN_MAX_DEPTH\)$/));

  it('aliases', () => refused('{ a: user(id: "1") { name } b: user(id: "2") { name } }', 'TOO_MANY_ALIASES', /^Aliases limit of 1 exceeded, found 2\. \(raise it with SKEIN_MAX_ALIASES\)$/));

  it('directives', () =>
    refused('{ user(id: "1") { name @include(if: true) id @skip(if: false) } }', 'TOO_MANY_DIRECTIVES', /^Directives limit of 1 exceeded, found 2\. \(raise it with SKEIN_MAX_DIRECTIVES\)$/));

  it('tokens, while parsing', () =>
    refused(`{ ${Array.from({ length: 40 }, () => 'user(id: "1") { name }').join(' ')} }`, 'TOO_MANY_TOKENS', /^The document has more than 60 tokens, the limit of this gateway \(raise it with SKEIN_MAX_TOKENS\)$/));

  it('cost, with the size of a list from its arguments', async () => {
    // An upstream call weighs 10, an object 1, times the items of the list around it.
    await refused(
      '{ orders(limit: 20) { id buyer { id } } }',
      'QUERY_TOO_COSTLY',
      /^The query's estimated cost is 30, over this gateway's limit of 25 \(lists count by their size arguments such as first or limit; raise the limit with SKEIN_MAX_COST\)$/,
    );
    expect((await gw.query('{ orders(limit: 3) { id buyer { id } } }')).errors).toBeUndefined();
  });

  it('cost, with the size of a list from a variable', async () => {
    const query = 'query ($n: Int) { orders(limit: $n) { id buyer { id } } }';
    const many = await gw.query(query, { n: 20 });
    expect(many.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(many.errors?.[0].message).toMatch(/estimated cost is 30,/);
    expect((await gw.query(query, { n: 3 })).errors).toBeUndefined();
  });

  it('a query within every limit runs, and so does a composite whose own document exceeds them', async () => {
    expect((await gw.query('{ user(id: "8") { name } }')).data).toEqual({ user: { name: 'Ada' } });
    const composite = await gw.query('{ orderAndUser(orderId: "1") { order { ref sum } user { name } } }');
    expect(composite.errors).toBeUndefined();
    expect(composite.data).toEqual({ orderAndUser: { order: { ref: '1', sum: 10 }, user: { name: 'Ada' } } });
  });

  it('body size, by Content-Length before reading: 413 BODY_TOO_LARGE', async () => {
    const response = await fetch(gw.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ user(id: "${'x'.repeat(5_000)}") { name } }` }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BODY_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/^The request body is \d+ bytes; this endpoint accepts at most 4000/);
  });

  it('body size, while streaming a body without Content-Length: 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(gw.gateway.url);
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // chunked: no Content-Length
      req.write('{"query":"{ user(id: \\"');
      for (let i = 0; i < 10; i++) req.write('y'.repeat(1_000));
      req.end('\\") { name } }"}');
    });
    expect(status).toBe(413);
  });

  it('the REST endpoint of a composite has the same Content-Length cap', async () => {
    const response = await fetch(`${gw.origin}/api/orderAndUser`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'x'.repeat(5_000) }),
    });
    expect(response.status).toBe(413);
  });

  it('every 4xx says in JSON what was wrong: an unreadable Content-Type (415) and an Accept nobody can meet (406)', async () => {
    const unsupported = await fetch(gw.gateway.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<query/>' });
    expect(unsupported.status).toBe(415);
    expect(unsupported.headers.get('x-request-id')).toBeTruthy();
    expect(await unsupported.json()).toEqual({
      errors: [{ message: expect.stringMatching(/reads application\/json .*; the request sent text\/xml$/), extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
    });
    const unacceptable = await fetch(gw.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/html' }, body: '{"query":"{ __typename }"}' });
    expect(unacceptable.status).toBe(406);
    expect(((await unacceptable.json()) as any).errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
  });

  it('operations in a batched request', async () => {
    const post = (operations: unknown[]) =>
      fetch(gw.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(operations) });
    const two = await post([{ query: '{ user(id: "8") { name } }' }, { query: '{ order(id: "1") { id } }' }]);
    expect(two.status).toBe(200);
    expect(await two.json()).toEqual([{ data: { user: { name: 'Ada' } } }, { data: { order: { id: '1' } } }]);
    const three = await post([{ query: '{ __typename }' }, { query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(three.status).toBe(413);
    expect(JSON.stringify(await three.json())).toContain('Batching is limited to 2 operations per request.');
  });
});

describe.each(DOORS)('persisted-operations mode (%s)', (via) => {
  let upstream: RecordingUpstream;
  let gw: HardenedGateway;
  const document = '{ user(id: "8") { name } }';
  const hash = createHash('sha256').update(document).digest('hex');

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /users/*': { json: { id: '8', name: 'Ada' } } });
    gw = await startHardenedGateway({ sources: SOURCES(upstream.url) }, { persistedOperations: new Map([[hash, document]]) }, via);
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  const send = (body: unknown) =>
    fetch(gw.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
    );

  it('serves a registered operation by its id', async () => {
    expect((await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).body).toEqual({ data: { user: { name: 'Ada' } } });
    expect((await send({ documentId: hash })).body).toEqual({ data: { user: { name: 'Ada' } } });
  });

  it('refuses a document, and an unknown id, with codes', async () => {
    const arbitrary = await send({ query: document });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    expect(arbitrary.body.errors[0].message).toMatch(/^This gateway serves persisted operations only/);
    const unknown = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe.each(DOORS)('security of the GraphQL endpoint (%s)', (via) => {
  let gateway: RunningGateway;
  const log = captureLog();
  const logged = log.lines;

  /** A graph whose resolver fails the way a bug would, with a URL and a token in its message. */
  function brokenGraph(): Graph {
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { broken: String fine: String }',
      resolvers: {
        Query: {
          broken: () => {
            throw new TypeError('cannot read x of undefined while calling http://10.1.2.3:8080/internal?token=s3cr3t-token');
          },
          fine: () => 'ok',
        },
      },
    });
    return graphOfSchema(schema);
  }

  beforeAll(async () => {
    gateway = await startGateway({
      graph: brokenGraph(),
      port: 0,
      host: '127.0.0.1',
      settings: { corsOrigins: ['http://app.example'], fastLane: via === 'lane' },
      logger: log.logger,
    });
  });
  afterAll(() => gateway.close(1_000));

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });

  it('masks an unexpected error, keeps partial data, and logs it with the request id the client got', async () => {
    const response = await post({ query: '{ broken fine }' });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as any;
    expect(body.data).toEqual({ broken: null, fine: 'ok' });
    expect(body.errors).toEqual([
      {
        message: 'Unexpected error; the gateway logged it with this request id.',
        locations: [{ line: 1, column: 3 }],
        path: ['broken'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: id },
      },
    ]);
    expectNothingLeaked(body, 's3cr3t-token', '10.1.2.3');
    const line = logged.find((l) => l.includes(id!))!;
    expect(JSON.parse(line)).toMatchObject({ level: 'error', request_id: id, path: 'broken', msg: 'unexpected error', err: { type: 'TypeError' } });
    expect(line).toContain('TypeError: cannot read x of undefined');
    // The log keeps the address for the operator, not the credential.
    expect(line).not.toContain('s3cr3t-token');
  });

  it('keeps a sane incoming request id and replaces one that is not', async () => {
    const kept = await post({ query: '{ fine }' }, { 'x-request-id': 'client-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('client-abc.123');
    const replaced = await post({ query: '{ fine }' }, { 'x-request-id': 'evil\tid with spaces' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a cross-site browser GET without a CSRF header, allows it with one, and leaves non-browser clients alone', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent('{ fine }')}`;
    const forged = await fetch(url, { headers: { accept: 'application/json', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' } });
    expect(forged.status).toBe(403);
    expect(JSON.stringify(await forged.json())).toContain('CSRF_HEADER_REQUIRED');
    const marked = await fetch(url, { headers: { accept: 'application/json', 'sec-fetch-site': 'cross-site', 'x-skein-csrf': '1' } });
    expect(marked.status).toBe(200);
    const server = await fetch(url, { headers: { accept: 'application/json' } });
    expect(server.status).toBe(200);
    const form = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      body: 'query=%7B%20fine%20%7D',
    });
    expect(form.status).toBe(403);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight('http://app.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('http://evil.example');
  });
});
