import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// AWS's OpenAPI documents (APIs.guru) name query-protocol operations by a fragment:
// `GET /{AccountNumber}/{QueueName}/#Action=SendMessage`, with Action, Version and the
// operation's fields as query parameters. Found by the OpenAPI round trip
// (corpus/lib/roundtrip/openapi): Skein appended the query after the fragment, so no
// parameter was sent (`GET /1/q/`), in every such operation of SQS, DocumentDB, …
const sdl = (url: string) => /* GraphQL */ `
extend schema @source(name: "sqs", kind: REST, url: "${url}")

type Query {
  sendMessage(account: String!, queue: String!, body: String!, action: String!): JSON
    @rest(source: "sqs", path: "/{account}/{queue}/#Action=SendMessage",
      query: [{ name: "MessageBody", value: "{body}" }, { name: "Action", value: "{action}" }])
  describe(name: String): JSON
    @rest(source: "sqs", method: POST, path: "/#X-Amz-Target=Describe", query: [{ name: "Name", value: "{name}" }])
}
`;

describe('REST: a path with a fragment', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /*/*/': { json: { ok: 1 } }, 'POST /': { json: { ok: 2 } } });
    gateway = await startTestGateway({ sources: { 'sqs.graphql': sdl(upstream.url) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends the query parameters, and not the fragment', async () => {
    const answer = await gateway.query('{ sendMessage(account: "1", queue: "q#1", body: "hi there", action: "SendMessage") }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ sendMessage: { ok: 1 } });
    const request = upstream.received.at(-1)!;
    expect(request.path).toBe('/1/q%231/');
    expect(Object.fromEntries(request.query)).toEqual({ MessageBody: 'hi there', Action: 'SendMessage' });
  });

  it('calls the path before the fragment when the path is only a fragment', async () => {
    const answer = await gateway.query('{ describe(name: "x") }');
    expect(answer.data).toEqual({ describe: { ok: 2 } });
    const request = upstream.received.at(-1)!;
    expect(request.path).toBe('/');
    expect(request.query.get('Name')).toBe('x');
  });
});
