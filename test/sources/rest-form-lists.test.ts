import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// A list in a form body repeats its field (`Types=a&Types=b`), OpenAPI's default for
// application/x-www-form-urlencoded (style form, explode). Found by the OpenAPI round trip
// (corpus/lib/roundtrip/openapi) in Twilio Events' createSubscription: Skein sent the list
// as JSON text (`Types=["a","b"]`), which the operation does not accept.
const sdl = (url: string) => /* GraphQL */ `
extend schema @source(name: "events", kind: REST, url: "${url}")

input NewSubscription { Description: String!, Types: [String!]!, Sink: SinkInput }
input SinkInput { sid: String }

type Mutation {
  createSubscription(input: NewSubscription!): JSON
    @rest(source: "events", method: POST, path: "/v1/Subscriptions", body: "input", encoding: FORM)
}
`;

describe('REST: a form body with a list', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'POST /v1/Subscriptions': { json: { sid: 'DF1' } } });
    gateway = await startTestGateway({ sources: { 'events.graphql': sdl(upstream.url) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('repeats the field for each item, and keeps objects as JSON text', async () => {
    const answer = await gateway.query(
      'mutation { createSubscription(input: { Description: "d", Types: ["com.a", "com.b"], Sink: { sid: "S1" } }) }',
    );
    expect(answer.errors).toBeUndefined();
    const request = upstream.received.at(-1)!;
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request.body);
    expect(form.getAll('Types')).toEqual(['com.a', 'com.b']);
    expect(form.get('Description')).toBe('d');
    expect(form.get('Sink')).toBe('{"sid":"S1"}');
  });
});
