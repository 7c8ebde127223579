import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

// A registry change (a composite saved and published, paused, resumed; a source changed)
// makes a new graph version, and no answer of the old one is served again: the next
// request calls its upstream.

const SHOP = (url: string, extra = '') => `extend schema @source(name: "shop", kind: REST, url: "${url}")
type Reading @cacheControl(maxAge: 300) { id: ID! value: Float! ${extra} }
type Query { reading(id: ID!): Reading @rest(source: "shop", path: "/readings/{id}") }
`;
const LATEST = 'query latestReading($id: ID!) @cacheControl(maxAge: 300) { reading(id: $id) { id value } }';
const LATEST_V2 = '# Now with the unit.\nquery latestReading($id: ID!) @cacheControl(maxAge: 300) { reading(id: $id) { id value } }';

describe('invalidation on registry changes', () => {
  let gw: TestRegistryGateway;
  let upstream: RecordingUpstream;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /readings/*': (r) => ({ json: { id: r.path.split('/').pop(), value: 1.5, unit: 'kWh' } }) });
    gw = await startTestRegistryGateway('embedded', { seed: false, settings: { cache: true } });
    const registered = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: SHOP(upstream.url) });
    expect(registered.errors).toBeUndefined();
    const published = await gw.admin('mutation($d: String!) { push(sources: [], composites: [{ document: $d }], publish: true) { changed } }', { d: LATEST });
    expect(published.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const ask = async (query: string) => {
    const response = await fetch(`${gw.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { age: response.headers.get('age'), cacheControl: response.headers.get('cache-control'), ...((await response.json()) as { data?: any; errors?: any[] }) };
  };
  const COMPOSITE = '{ latestReading(id: "1") { reading { value } } }';
  const calls = () => upstream.received.length;

  it('serves a composite from the cache until it is published anew, paused or resumed', async () => {
    expect((await ask(COMPOSITE)).data).toEqual({ latestReading: { reading: { value: 1.5 } } });
    expect((await ask(COMPOSITE)).age).not.toBeNull();
    expect(calls()).toBe(1);

    const republished = await gw.admin('mutation($d: String!) { push(sources: [], composites: [{ document: $d }], publish: true) { changed } }', { d: LATEST_V2 });
    expect(republished.errors).toBeUndefined();
    const afterPublish = await ask(COMPOSITE);
    expect(afterPublish.age).toBeNull();
    expect(calls()).toBe(2);
    expect((await ask(COMPOSITE)).age).not.toBeNull();
    expect(calls()).toBe(2);

    expect((await gw.admin('mutation { pause(name: "latestReading") { state } }')).data.pause.state).toBe('PAUSED');
    const paused = await ask(COMPOSITE);
    expect(paused.errors?.[0].extensions?.code).toBe('COMPOSITE_PAUSED');
    expect(paused.cacheControl).toBe('no-store');

    expect((await gw.admin('mutation { resume(name: "latestReading") { state } }')).data.resume.state).toBe('PUBLISHED');
    expect((await ask(COMPOSITE)).age).toBeNull();
    expect(calls()).toBe(3);
  });

  it('serves a source field from the cache until its source changes', async () => {
    const QUERY = '{ reading(id: "2") { value } }';
    await ask(QUERY);
    expect((await ask(QUERY)).age).not.toBeNull();
    const before = calls();
    const changed = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: SHOP(upstream.url, 'unit: String') });
    expect(changed.errors).toBeUndefined();
    expect((await ask(QUERY)).age).toBeNull();
    expect(calls()).toBe(before + 1);
  });
});
