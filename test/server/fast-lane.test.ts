import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Plain JSON POSTs from programs take the fast lane; browser requests (Sec-Fetch-Site)
// and everything unusual go through yoga. Both must answer alike.
describe('the fast lane answers as yoga does', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /items/*': (r) => ({ json: { id: r.path.split('/')[2], name: 'Lamp' } }),
      'GET /broken': { status: 502, body: 'bad gateway' },
      'POST /items': { json: { id: 'new', name: 'Desk' } },
    });
    gateway = await startTestGateway({
      sources: {
        's.graphql': `extend schema @source(name: "s", kind: REST, url: "${upstream.url}")
          type Item { id: ID! name: String }
          type Query { item(id: ID!): Item @rest(source: "s", path: "/items/{id}") broken: Item @rest(source: "s", path: "/broken") }
          type Mutation { add(name: String): Item @rest(source: "s", method: POST, path: "/items") }`,
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get('content-type'), id: response.headers.get('x-request-id'), body: await response.json() };
  };
  const viaYoga = { 'sec-fetch-site': 'same-origin' };

  const cases: [string, unknown][] = [
    ['a query', { query: '{ item(id: "7") { id name } }' }],
    ['variables and an operation name', { query: 'query A($id: ID!) { item(id: $id) { name } } query B { broken { id } }', operationName: 'A', variables: { id: '3' } }],
    ['an upstream error next to data', { query: '{ broken { id } item(id: "1") { id } }' }],
    ['a mutation', { query: 'mutation { add(name: "Desk") { id name } }' }],
    ['a syntax error (answered by yoga)', { query: '{ item(id: "1") { id }' }],
    ['an unknown field (answered by yoga)', { query: '{ nope }' }],
    ['a variable of the wrong type (answered by yoga)', { query: 'query ($id: ID!) { item(id: $id) { id } }', variables: { id: { no: 1 } } }],
    ['a query over the alias limit (answered by yoga)', { query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: item(id: "1") { id }`).join(' ')} }` }],
  ];
  for (const [name, body] of cases) {
    it(name, async () => {
      const lane = await post(body);
      const yoga = await post(body, viaYoga);
      expect(lane.body).toEqual(yoga.body);
      expect(lane.status).toBe(yoga.status);
      expect(lane.type).toBe(yoga.type);
      expect(lane.id).toMatch(/^[0-9a-f-]{36}$/);
    });
  }

  it('keeps a sane incoming request id, and chooses the content type from Accept', async () => {
    const answer = await post({ query: '{ item(id: "1") { id } }' }, { 'x-request-id': 'trace-42', accept: 'application/graphql-response+json, application/json' });
    expect(answer.id).toBe('trace-42');
    expect(answer.type).toBe('application/graphql-response+json; charset=utf-8');
  });

  it('refuses a body over the limit while reading it', async () => {
    const big = JSON.stringify({ query: `{ item(id: "1") { id } } # ${'x'.repeat(1_100_000)}` });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A stream has no Content-Length, so the limit is found while reading.
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('BODY_TOO_LARGE');
  });
});
