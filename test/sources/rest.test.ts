import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sdl = (url: string) => /* GraphQL */ `
extend schema @source(name: "shop", kind: REST, url: "${url}/v1", timeoutMs: 300,
  headers: [{ name: "X-Api-Key", value: "k-123" }], forwardHeaders: ["Authorization"])

enum Status { IN_STOCK @wire(name: "in-stock") SOLD_OUT @wire(name: "sold-out") }

type Item {
  id: ID!
  name: String
  status: Status
  createdAt: String @wire(name: "created-at")
  tags: [String!]
}

input NewItem { name: String!, status: Status, createdAt: String @wire(name: "created-at") }

type Query {
  item(id: ID!, lang: String, tags: [String!], ids: [ID!]): Item
    @rest(source: "shop", path: "/items/{id}", query: [
      { name: "lang", value: "{lang}" }, { name: "tag", value: "{tags}" },
      { name: "ids", value: "{ids}", explode: false }, { name: "format", value: "full" }],
      headers: [{ name: "X-Lang", value: "lang-{lang}" }])
  search(q: String!): [Item!]! @rest(source: "shop", path: "/search", query: [{ name: "q", value: "{q}" }], select: "data.items")
  broken: Item @rest(source: "shop", path: "/broken")
  notJson: Item @rest(source: "shop", path: "/not-json")
  wrongShape: [Item] @rest(source: "shop", path: "/wrong-shape")
  slow: Item @rest(source: "shop", path: "/slow")
  empty: Item @rest(source: "shop", path: "/empty")
}

type Mutation {
  createItem(item: NewItem!): Item @rest(source: "shop", method: POST, path: "/items", body: "item")
  rateItem(id: ID!, form: NewItem!): Item @rest(source: "shop", method: PUT, path: "/items/{id}/rating", body: "form", encoding: FORM)
}
`;

describe('@rest: calls a REST upstream and maps the answer', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  // /v1/slow answers only after the test has its answer: a timeout then cannot be a late success.
  let letSlowAnswer!: () => void;
  const slowMayAnswer = new Promise<void>((resolve) => (letSlowAnswer = resolve));

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /v1/items/*': { json: { id: 'a/b', name: 'Lamp', status: 'in-stock', 'created-at': '2026-01-02', tags: ['x'] } },
      'GET /v1/search': { json: { data: { items: [{ id: '1', name: 'One', status: 'sold-out' }] } } },
      'GET /v1/broken': { status: 503, body: '<html>Service Unavailable: maintenance</html>' },
      'GET /v1/not-json': { body: '{"id": 1,' },
      'GET /v1/wrong-shape': { json: { id: '1' } },
      'GET /v1/slow': { json: { id: 'late' }, holdUntil: slowMayAnswer },
      'GET /v1/empty': { status: 204 },
      'POST /v1/items': (req) => ({ status: 201, json: { id: '9', ...JSON.parse(req.body) } }),
      'PUT /v1/items/*/rating': { json: { id: '7', name: 'rated' } },
    });
    // The operator's switch, so the body excerpts these tests look at reach the client (off by default: test/hardening/source-boundaries.test.ts).
    gateway = await startTestGateway({ sources: { 'shop.graphql': sdl(upstream.url) } }, { exposeUpstreamErrors: true });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('fills the path (URL-encoded), query parameters, lists and headers from arguments', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(
      `{ item(id: "a/b c", lang: "de", tags: ["red", "big"], ids: [1, 2]) { id name status createdAt tags } }`,
      undefined,
      { authorization: 'Bearer client', cookie: 'secret=1', 'x-other': 'no' },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      item: { id: 'a/b', name: 'Lamp', status: 'IN_STOCK', createdAt: '2026-01-02', tags: ['x'] },
    });
    const [request] = upstream.received;
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/v1/items/a%2Fb%20c');
    expect(request.query.get('lang')).toBe('de');
    expect(request.query.getAll('tag')).toEqual(['red', 'big']);
    expect(request.query.get('ids')).toBe('1,2');
    expect(request.query.get('format')).toBe('full');
    expect(request.headers['x-api-key']).toBe('k-123');
    expect(request.headers['x-lang']).toBe('lang-de');
    expect(request.headers.authorization).toBe('Bearer client');
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers['x-other']).toBeUndefined();
  });

  it('leaves out query parameters and headers whose arguments are absent', async () => {
    upstream.received.length = 0;
    await gateway.query(`{ item(id: "1") { id } }`);
    const [request] = upstream.received;
    expect([...request.query.keys()]).toEqual(['format']);
    expect(request.headers['x-lang']).toBeUndefined();
    expect(request.headers.authorization).toBeUndefined();
  });

  it('returns the selected sub-path of the answer', async () => {
    const answer = await gateway.query(`{ search(q: "o") { id name status } }`);
    expect(answer.data).toEqual({ search: [{ id: '1', name: 'One', status: 'SOLD_OUT' }] });
  });

  it('sends an input argument as the JSON body, with wire names and wire enum values', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(
      `mutation { createItem(item: { name: "Desk", status: IN_STOCK, createdAt: "today" }) { id name status createdAt } }`,
    );
    expect(answer.data).toEqual({ createItem: { id: '9', name: 'Desk', status: 'IN_STOCK', createdAt: 'today' } });
    const [request] = upstream.received;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ name: 'Desk', status: 'in-stock', 'created-at': 'today' });
  });

  it('sends a form-encoded body when asked', async () => {
    upstream.received.length = 0;
    await gateway.query(`mutation { rateItem(id: "7", form: { name: "five stars" }) { id } }`);
    const [request] = upstream.received;
    expect(request.method).toBe('PUT');
    expect(request.path).toBe('/v1/items/7/rating');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('name=five+stars');
  });

  it('turns a non-2xx answer into a located error with status and body excerpt; siblings still resolve', async () => {
    const answer = await gateway.query(`{ broken { id } item(id: "1") { name } }`);
    expect(answer.data).toEqual({ broken: null, item: { name: 'Lamp' } });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].path).toEqual(['broken']);
    expect(answer.errors![0].extensions).toMatchObject({
      code: 'UPSTREAM_HTTP_ERROR',
      source: 'shop',
      status: 503,
      body: '<html>Service Unavailable: maintenance</html>',
    });
  });

  it('reports a body that is not JSON, and a body of the wrong shape', async () => {
    const answer = await gateway.query(`{ notJson { id } wrongShape { id } item(id: "1") { id } }`);
    expect(answer.data).toEqual({ notJson: null, wrongShape: null, item: { id: 'a/b' } });
    const byPath = Object.fromEntries(answer.errors!.map((e) => [e.path![0], e]));
    expect(byPath.notJson.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'shop', status: 200 });
    expect(byPath.wrongShape.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'shop' });
    expect(byPath.wrongShape.message).toContain('an object where a list was expected');
  });

  it('gives up after the source timeout, while the upstream still has not answered', async () => {
    // The upstream is held until after this answer: the gateway can only have answered by giving up.
    const answer = await gateway.query(`{ slow { id } }`);
    letSlowAnswer();
    expect(answer.data).toEqual({ slow: null });
    expect(answer.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', source: 'shop' });
  });

  it('answers null for an empty 204 body', async () => {
    const answer = await gateway.query(`{ empty { id } }`);
    expect(answer).toMatchObject({ data: { empty: null } });
    expect(answer.errors).toBeUndefined();
  });
});

describe('@rest: an upstream that cannot be reached', () => {
  it('is UPSTREAM_UNREACHABLE on that field only', async () => {
    const upstream = await startRecordingUpstream();
    const deadUrl = upstream.url;
    await upstream.close();
    const live = await startRecordingUpstream({ 'GET /ok': { json: { id: '1' } } });
    const gateway = await startTestGateway({
      sources: {
        'dead.graphql': `extend schema @source(name: "dead", kind: REST, url: "${deadUrl}")
          type Thing { id: ID }
          type Query { dead: Thing @rest(source: "dead", path: "/x") }`,
        'live.graphql': `extend schema @source(name: "live", kind: REST, url: "${live.url}")
          type Query { live: Thing @rest(source: "live", path: "/ok") }`,
      },
    });
    try {
      const answer = await gateway.query(`{ dead { id } live { id } }`);
      expect(answer.data).toEqual({ dead: null, live: { id: '1' } });
      expect(answer.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', source: 'dead' });
      expect(answer.errors![0].message).not.toContain('127.0.0.1');
    } finally {
      await gateway.close();
      await live.close();
    }
  });
});

describe('source URLs from the environment', () => {
  it('SKEIN_SOURCE_<NAME>_URL overrides the URL written in the schema', async () => {
    const upstream = await startRecordingUpstream({ 'GET /ping': { json: { id: 'from-env' } } });
    const gateway = await startTestGateway(
      {
        sources: {
          'my-shop.graphql': `extend schema @source(name: "my-shop", kind: REST, url: "http://192.0.2.1:9")
            type Pong { id: ID } type Query { ping: Pong @rest(source: "my-shop", path: "/ping") }`,
        },
      },
      { env: { SKEIN_SOURCE_MY_SHOP_URL: upstream.url } },
    );
    try {
      expect((await gateway.query(`{ ping { id } }`)).data).toEqual({ ping: { id: 'from-env' } });
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
