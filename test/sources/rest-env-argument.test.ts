import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// An OpenAPI parameter named env (LaunchDarkly's feature flags take ?env=production) becomes an
// argument named env; its template {env} is that argument, never the gateway's environment.
describe('an argument named env', () => {
  let upstream: RecordingUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /flags': { json: [{ key: 'dark-mode' }] } });
    gw = await startTestGateway({
      sources: {
        'flags.graphql': `extend schema @source(name: "flags", kind: REST, url: "${upstream.url}")
          type Flag { key: String! }
          type Query {
            flags(env: String): [Flag!]! @rest(source: "flags", path: "/flags", query: [{ name: "env", value: "{env}" }])
          }`,
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('is sent as the argument the client gave, and the environment stays out of it', async () => {
    const answer = await gw.query('{ flags(env: "production") { key } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ flags: [{ key: 'dark-mode' }] });
    expect(upstream.received[0].query.get('env')).toBe('production');
    expect(upstream.received[0].path).toBe('/flags');
  });
});
