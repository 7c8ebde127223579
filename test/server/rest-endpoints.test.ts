import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log-capture.js';

// A composite's REST endpoint answers as REST callers expect: the upstream's "not found"
// as 404, a required parameter given no value as 400 before anything is called, errors
// without locations in a document the caller never saw, and unexpected errors masked
// as /graphql masks them (the endpoint runs through the same pipeline).

const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
  type Order { id: ID! userId: ID }
  type User { id: ID! name: String }
  type Query {
    order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}")
    user(id: ID!): User @rest(source: "shop", path: "/users/{id}")
  }`;

const COMPOSITE = `query orderPage($orderId: ID!, $userId: ID @internal) {
  order(id: $orderId) { id userId @export(as: "userId") }
  user(id: $userId) { name }
}`;

describe('composites as REST endpoints', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let origin: string;
  const log = captureLog();
  const logged = log.lines;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /orders/1': { json: { id: '1', userId: '8' } },
      'GET /orders/403': { status: 403, json: { error: 'not yours' } },
      'GET /orders/500': { status: 500, json: { error: 'down' } },
      'GET /users/8': { json: { id: '8', name: 'Ada' } },
    });
    gateway = await startTestGateway(
      { sources: { 'shop.graphql': SOURCE(upstream.url) }, composites: { 'orderPage.graphql': COMPOSITE } },
      {},
      { logger: log.logger },
    );
    origin = new URL(gateway.url).origin;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${origin}${path}`);
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<Record<string, any>>; problems?: string[] } };
  };

  it('answers 200 with the data, and no locations anywhere', async () => {
    const answer = await get('/api/orderPage?orderId=1');
    expect(answer).toEqual({ status: 200, body: { data: { order: { id: '1', userId: '8' }, user: { name: 'Ada' } } } });
  });

  it("passes the upstream's 404 through as 404, without locations in an internal document", async () => {
    const answer = await get('/api/orderPage?orderId=99999');
    expect(answer.status).toBe(404);
    expect(answer.body.errors?.length).toBeGreaterThan(0);
    for (const error of answer.body.errors!) expect(error).not.toHaveProperty('locations');
    expect(answer.body.errors![0].extensions).toMatchObject({ status: 404 });
  });

  it("passes another client error through (403), but answers an upstream's 500 with 502", async () => {
    expect((await get('/api/orderPage?orderId=403')).status).toBe(403);
    expect((await get('/api/orderPage?orderId=500')).status).toBe(502);
  });

  it('answers 400 for a required parameter given no value, calling nothing', async () => {
    const calls = upstream.received.length;
    const answer = await get('/api/orderPage?orderId=');
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual(['parameter orderId is empty; it is required (ID!)']);
    expect(upstream.received.length).toBe(calls);
  });

  it('masks an unexpected error as /graphql does, and logs it with the request id', async () => {
    const field = gateway.graph.schema.getQueryType()!.getFields().orderPage;
    const resolve = field.resolve;
    field.resolve = () => {
      throw new TypeError('cannot read token s3cr3t of undefined');
    };
    try {
      const response = await fetch(`${origin}/api/orderPage?orderId=1`, { headers: { 'x-request-id': 'rest-bug-1' } });
      const text = await response.text();
      expect(text).not.toContain('s3cr3t');
      const error = JSON.parse(text).errors[0];
      expect(error).toMatchObject({ extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'rest-bug-1' } });
      expect(logged.some((line) => line.includes('rest-bug-1') && line.includes('TypeError: cannot read token s3cr3t'))).toBe(true);
    } finally {
      field.resolve = resolve;
    }
  });
});
