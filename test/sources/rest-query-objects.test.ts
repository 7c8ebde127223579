import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// A list of input objects in a query parameter. Found by the OpenAPI round trip
// (corpus/lib/roundtrip/openapi) in SQS's ChangeMessageVisibilityBatch (`Entries`): Skein
// sent each item as "[object Object]", losing it. OpenAPI's styles do not define lists of
// objects; each item now goes as JSON text, as a single object already did.
const sdl = (url: string) => /* GraphQL */ `
extend schema @source(name: "queue", kind: REST, url: "${url}")

input Entry { Id: String!, VisibilityTimeout: Int }

type Query {
  batch(entries: [Entry!]!, joined: [Entry!]): JSON
    @rest(source: "queue", path: "/batch", query: [
      { name: "Entries", value: "{entries}" }, { name: "Joined", value: "{joined}", explode: false }])
}
`;

describe('REST: objects in a query parameter list', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /batch': { json: { ok: true } } });
    gateway = await startTestGateway({ sources: { 'queue.graphql': sdl(upstream.url) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends each object as JSON text, repeated or comma-joined', async () => {
    const answer = await gateway.query('{ batch(entries: [{ Id: "a", VisibilityTimeout: 5 }, { Id: "b" }], joined: [{ Id: "c" }]) }');
    expect(answer.errors).toBeUndefined();
    const request = upstream.received.at(-1)!;
    expect(request.query.getAll('Entries')).toEqual(['{"Id":"a","VisibilityTimeout":5}', '{"Id":"b"}']);
    expect(request.query.get('Joined')).toBe('{"Id":"c"}');
  });
});
