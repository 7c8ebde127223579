import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// A GraphQL source calls through the transport REST and SOAP share: a query that meets a
// failing upstream (HTTP 503) is retried, a mutation never is.
describe('a GraphQL source uses the shared transport', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let failuresLeft = 0;
  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'POST /graphql': (request) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          return { status: 503, body: 'busy' };
        }
        const mutation = JSON.parse(request.body).query.startsWith('mutation');
        return { json: { data: { f0: mutation ? 'done' : 'read' } } };
      },
    });
    gateway = await startTestGateway({
      sources: {
        'flaky.graphql': `extend schema @source(name: "flaky", kind: GRAPHQL, url: "${upstream.url}/graphql", retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 })
          type Query { read: String @graphql(source: "flaky") }
          type Mutation { write: String @graphql(source: "flaky") }`,
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('retries a query after a 503', async () => {
    upstream.received.length = 0;
    failuresLeft = 1;
    expect(await gateway.query('{ read }')).toMatchObject({ data: { read: 'read' } });
    expect(upstream.received).toHaveLength(2);
  });

  it('does not retry a mutation', async () => {
    upstream.received.length = 0;
    failuresLeft = 1;
    const answer = await gateway.query('mutation { write }');
    expect(answer.data).toEqual({ write: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: ['write'], message: 'Upstream "flaky" answered HTTP 503 to Mutation.write', extensions: expect.objectContaining({ code: 'UPSTREAM_HTTP_ERROR', status: 503 }) }),
    ]);
    expect(upstream.received).toHaveLength(1);
  });
});
