import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

// A registry change invalidates what it affects: a composite published anew or paused
// starts its own answers afresh and leaves the others cached; a changed source starts
// every answer afresh, and its own upstream calls, while the calls of the other sources
// stay cached. The next request after a change calls its upstream.

const SHOP = (url: string, extra = '') => `extend schema @source(name: "shop", kind: REST, url: "${url}")
type Reading @cacheControl(maxAge: 300) { id: ID! value: Float! ${extra} }
type Query { reading(id: ID!): Reading @rest(source: "shop", path: "/readings/{id}") }
`;
const GRID = (url: string, extra = '') => `extend schema @source(name: "grid", kind: REST, url: "${url}")
type Meter @cacheControl(maxAge: 300) { id: ID! ${extra} }
type Query { meter(id: ID!): Meter @rest(source: "grid", path: "/meters/{id}") }
`;
const LATEST = 'query latestReading($id: ID!) @cacheControl(maxAge: 300) { reading(id: $id) { id value } }';
const LATEST_V2 = '# Now with the unit.\nquery latestReading($id: ID!) @cacheControl(maxAge: 300) { reading(id: $id) { id value } }';
const FIRST = 'query firstReading @cacheControl(maxAge: 300) { reading(id: "0") { id value } }';

describe('invalidation on registry changes', () => {
  let gw: TestRegistryGateway;
  let upstream: RecordingUpstream;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /readings/*': (r) => ({ json: { id: r.path.split('/').pop(), value: 1.5, unit: 'kWh' } }),
      'GET /meters/*': (r) => ({ json: { id: r.path.split('/').pop(), site: 'north' } }),
    });
    gw = await startTestRegistryGateway('embedded', { seed: false, settings: { cache: true } });
    const registered = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: SHOP(upstream.url) });
    expect(registered.errors).toBeUndefined();
    const published = await gw.admin('mutation($d: String!, $e: String!) { push(sources: [], composites: [{ document: $d }, { document: $e }], publish: true) { changed } }', {
      d: LATEST,
      e: FIRST,
    });
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

  const OTHER = '{ firstReading { reading { value } } }';
  const SOURCE_FIELD = '{ reading(id: "2") { value } }';

  it('starts a composite afresh when it is published anew or paused, and keeps the other answers', async () => {
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) await ask(query);
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) expect((await ask(query)).age).not.toBeNull();
    expect(calls()).toBe(3);

    const republished = await gw.admin('mutation($d: String!) { push(sources: [], composites: [{ document: $d }], publish: true) { changed } }', { d: LATEST_V2 });
    expect(republished.errors).toBeUndefined();
    const afterPublish = await ask(COMPOSITE);
    expect(afterPublish.data).toEqual({ latestReading: { reading: { value: 1.5 } } });
    expect(afterPublish.age).toBeNull();
    // Run anew, but its upstream call is still cached on its own: its source did not change.
    expect(calls()).toBe(3);
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) expect((await ask(query)).age).not.toBeNull();
    expect(calls()).toBe(3);

    expect((await gw.admin('mutation { pause(name: "latestReading") { state } }')).data.pause.state).toBe('PAUSED');
    const paused = await ask(COMPOSITE);
    expect(paused.errors?.[0].extensions?.code).toBe('COMPOSITE_PAUSED');
    expect(paused.cacheControl).toBe('no-store');
    for (const query of [OTHER, SOURCE_FIELD]) expect((await ask(query)).age).not.toBeNull();
    expect(calls()).toBe(3);
    expect((await gw.admin('mutation { resume(name: "latestReading") { state } }')).data.resume.state).toBe('PUBLISHED');
  });

  it('keeps the calls of the other sources when one source changes: their answers are made again without calling them', async () => {
    const added = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: GRID(upstream.url) });
    expect(added.errors).toBeUndefined();
    await ask(SOURCE_FIELD);
    expect((await ask(SOURCE_FIELD)).age).not.toBeNull();
    const shopCalls = () => upstream.received.filter((r) => r.path.startsWith('/readings/')).length;
    const before = shopCalls();

    const changed = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: GRID(upstream.url, 'site: String') });
    expect(changed.errors).toBeUndefined();
    const after = await ask(SOURCE_FIELD);
    // The answer is made afresh (any source may feed an answer), from shop's call still cached.
    expect(after.age).toBeNull();
    expect(after.data).toEqual({ reading: { value: 1.5 } });
    expect(shopCalls()).toBe(before);
    expect((await ask('{ meter(id: "7") { site } }')).data).toEqual({ meter: { site: 'north' } });
  });

  it('starts every answer afresh when a source changes', async () => {
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) await ask(query);
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) expect((await ask(query)).age).not.toBeNull();
    const before = calls();
    const changed = await gw.admin('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: SHOP(upstream.url, 'unit: String') });
    expect(changed.errors).toBeUndefined();
    for (const query of [COMPOSITE, OTHER, SOURCE_FIELD]) expect((await ask(query)).age).toBeNull();
    expect(calls()).toBe(before + 3);
  });
});
