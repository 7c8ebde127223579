import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOORS } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startHardenedGateway, type HardenedGateway } from './harness.js';

// What reaches an upstream is decided by the schema author: the host and path come from
// the schema, client values only fill placeholders, and headers pass by allowlist only.
describe.each(DOORS)('requests to upstreams are fixed by the schema (%s)', (via) => {
  let upstream: RecordingUpstream;
  let gw: HardenedGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /users/*': { json: { id: '1', name: 'Ada' } } });
    gw = await startHardenedGateway({
      sources: {
        'users.graphql': `extend schema @source(name: "users", kind: REST, url: "${upstream.url}", forwardHeaders: ["X-Tenant"])
          type User { id: ID! name: String }
          type Query { user(id: ID!): User @rest(source: "users", path: "/users/{id}") }`,
      },
    }, {}, via);
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('a client value cannot change the host or leave the path', async () => {
    await gw.query('{ a: user(id: "http://evil.example/x") { id } }');
    await gw.query('{ b: user(id: "../admin?x=1#y") { id } }');
    expect(upstream.received.map((r) => r.path)).toEqual(['/users/http%3A%2F%2Fevil.example%2Fx', '/users/..%2Fadmin%3Fx%3D1%23y']);
    const dots = await gw.query('{ user(id: "..") { id } }');
    expect(dots.errors?.[0]).toMatchObject({ message: 'A path value may not be "..": it would change which upstream path is called', extensions: { code: 'BAD_USER_INPUT' } });
    expect(upstream.received).toHaveLength(2);
  });

  it('only allowlisted incoming headers are passed on', async () => {
    upstream.received.length = 0;
    await gw.query('{ user(id: "1") { id } }', undefined, { authorization: 'Bearer client-token', cookie: 'session=abc', 'x-tenant': 'acme' });
    const headers = upstream.received[0].headers;
    expect(headers['x-tenant']).toBe('acme');
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
  });
});
