import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { serveGraphQL, weatherApi, type GraphQLUpstream } from '../graphql-sources/upstreams.js';

// The GraphQL over HTTP spec's audits (MUST, SHOULD and MAY) against /graphql, with the
// fast lane on and off.
describe.each(DOORS)('GraphQL over HTTP compliance (%s)', (via) => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /hello': { json: 'world' } });
    gateway = await startTestGateway({
      sources: {
        'hello.graphql': `extend schema @source(name: "hello", kind: REST, url: "${upstream.url}")
          type Query { hello: String @rest(source: "hello", path: "/hello") }`,
      },
    }, {}, { via });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  for (const audit of serverAudits({ url: () => gateway.url, fetchFn: fetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status, 'reason' in result ? result.reason : '').toBe('ok');
    });
  }
});

// The same audits where the answer is delegated to a GraphQL upstream (graphql-yoga):
// what the gateway says over HTTP stays its own, whatever the source speaks.
describe.each(DOORS)('GraphQL over HTTP compliance with a GraphQL source (%s)', (via) => {
  let upstream: GraphQLUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await serveGraphQL(weatherApi());
    gateway = await startTestGateway({
      sources: {
        'weather.graphql': `extend schema @source(name: "weather", kind: GRAPHQL, url: "${upstream.url}")
          type Query { hello: String @graphql(source: "weather") }`,
      },
    }, {}, { via });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  for (const audit of serverAudits({ url: () => gateway.url, fetchFn: fetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status, 'reason' in result ? result.reason : '').toBe('ok');
    });
  }
});
