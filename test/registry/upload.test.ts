import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderUpload, SEEDING, type ChangeAuthor, type Registry, type Upload } from '../../src/registry/index.js';
import { CUSTOMER_STATEMENT, demoSource, ORDER_SUMMARY, testSchema } from './fixtures.js';
import { openTestRegistry, refused, STORE_KINDS, type TestRegistry } from './stores.js';

const alice: ChangeAuthor = { actor: 'alice', via: 'admin' };
const pusher: ChangeAuthor = { actor: 'ci', via: 'push' };

const WEATHER = `extend schema @source(name: "weather", kind: REST, url: "http://127.0.0.1:9")
type Forecast { city: String! celsius: Float }
type Query { forecast(city: String!): Forecast @rest(source: "weather", path: "/forecast/{city}") }
`;
const CITY_WEATHER = 'query cityWeather($city: String!) { forecast(city: $city) { celsius } }\n';
const DRAFT_ORDER = ORDER_SUMMARY.replace('orderSummary', 'draftOrder');

/** Everything a registry keeps, without what must differ between two stores (ids, times). */
async function contents(registry: Registry) {
  const sources = await registry.sources({ includeRemoved: true });
  const composites = await registry.composites({ includeDeleted: true });
  const untimed = <T extends object>({ createdAt, updatedAt, ...rest }: T & { createdAt?: string; updatedAt?: string }) => rest;
  return {
    sources: sources.map(untimed),
    sourceVersions: await Promise.all(sources.map(async (s) => (await registry.sourceVersions(s.name)).map(untimed))),
    composites: composites.map(untimed),
    compositeVersions: await Promise.all(composites.map(async (c) => (await registry.compositeVersions(c.name)).map(untimed))),
    audit: (await registry.audit({ limit: 1000 })).reverse().map(({ id, at, ...rest }) => rest),
  };
}

/** The same starting point on every registry: the seeded folder, a paused composite and a draft. */
async function prepare(registry: Registry): Promise<void> {
  await registry.apply(SEEDING, { ...folderUpload(testSchema()), publish: true });
  await registry.saveComposite(alice, { document: ORDER_SUMMARY });
  await registry.publish(alice, 'orderSummary');
  await registry.pause(alice, 'orderSummary');
  await registry.saveComposite(alice, { document: DRAFT_ORDER });
}

describe.each(STORE_KINDS)('an upload on the %s store', (kind) => {
  let uploaded: TestRegistry;
  let oneByOne: TestRegistry;

  beforeAll(async () => {
    [uploaded, oneByOne] = await Promise.all([openTestRegistry(kind), openTestRegistry(kind)]);
    await prepare(uploaded.registry);
    await prepare(oneByOne.registry);
  });
  afterAll(async () => {
    await uploaded?.close();
    await oneByOne?.close();
  });

  it('leaves the records and audit entries that the same changes made one by one leave', async () => {
    const upload: Upload = {
      sources: [
        { sdl: `${demoSource('hotels')}# edited\n`, file: 'schema/sources/hotels.graphql' },
        { sdl: demoSource('users'), file: 'schema/sources/users.graphql' },
        { sdl: WEATHER, file: 'schema/sources/weather.graphql' },
      ],
      composites: [
        { document: `${CUSTOMER_STATEMENT}# edited\n` },
        { document: `${ORDER_SUMMARY}# edited\n` },
        { document: DRAFT_ORDER },
        { document: CITY_WEATHER },
      ],
      publish: true,
    };
    const before = await uploaded.registry.revision();
    const result = await uploaded.registry.apply(pusher, upload);
    expect(result.changed).toBe(true);
    expect(result.record.map((i) => `${i.kind} ${i.name} ${i.action} v${i.version} ${i.state}`)).toEqual([
      'source hotels updated v2 active',
      'source users unchanged v1 active',
      'source weather added v1 active',
      'composite customerStatement updated v2 published',
      'composite orderSummary updated v2 paused',
      'composite draftOrder published v1 published',
      'composite cityWeather added v1 published',
    ]);
    expect(await uploaded.registry.revision()).toBe(before + 1);

    const registry = oneByOne.registry;
    for (const source of upload.sources) await registry.registerSource(pusher, source);
    for (const composite of upload.composites) {
      const saved = await registry.saveComposite(pusher, { document: composite.document, onlyIfChanged: true });
      if (saved.record.state !== 'paused') await registry.publish(pusher, saved.record.name);
    }

    const [whole, single] = [await contents(uploaded.registry), await contents(registry)];
    expect(whole).toEqual(single);
    // The comparison covers what the upload did, not only the common start.
    expect(whole.audit.filter((a) => a.actor === 'ci').map((a) => [a.action, a.target, a.version, a.detail])).toEqual([
      ['source.register', 'hotels', 2, { from: 'active', origin: 'sdl', via: 'push' }],
      ['source.register', 'weather', 1, { from: null, origin: 'sdl', via: 'push' }],
      ['composite.save', 'customerStatement', 2, { state: 'published', via: 'push' }],
      ['composite.publish', 'customerStatement', 2, { from: 'published', to: 'published', via: 'push' }],
      ['composite.save', 'orderSummary', 2, { state: 'paused', via: 'push' }],
      ['composite.publish', 'draftOrder', 1, { from: 'draft', to: 'published', via: 'push' }],
      ['composite.save', 'cityWeather', 1, { state: 'draft', via: 'push' }],
      ['composite.publish', 'cityWeather', 1, { from: 'draft', to: 'published', via: 'push' }],
    ]);
  });

  it('is checked as a whole: a source change and the composites it needs arrive together', async () => {
    const registry = uploaded.registry;
    const withoutStars = demoSource('hotels').replace('  stars: Int\n', '');
    const fixed: Upload = {
      sources: [{ sdl: withoutStars }],
      composites: [{ document: DRAFT_ORDER.replace('name stars', 'name') }, { document: ORDER_SUMMARY.replace('name stars', 'name') }],
      publish: true,
    };
    // Alone, the source change would break the composites that read stars.
    expect((await refused(registry.registerSource(pusher, { sdl: withoutStars }))).code).toBe('SCHEMA_REJECTED');
    // orderSummary is paused: the upload only saves its new version, and its live version still reads stars.
    const paused = await refused(registry.apply(pusher, fixed));
    expect(paused.code).toBe('SCHEMA_REJECTED');
    expect(paused.details).toEqual([expect.stringMatching(/^registry\/composites\/orderSummary\.graphql:\d+:\d+: Cannot query field "stars" on type "Hotel"\./)]);

    await registry.resume(alice, 'orderSummary');
    const together = await registry.apply(pusher, fixed);
    expect(together.record.map((i) => `${i.name} ${i.action} ${i.state}`)).toEqual([
      'hotels updated active',
      'draftOrder updated published',
      'orderSummary updated published',
    ]);
  });

  it('stores nothing of an upload that is refused, and audits the refusal once', async () => {
    const registry = uploaded.registry;
    const before = await contents(registry);
    const revision = await registry.revision();
    const broken = await refused(
      registry.apply(pusher, {
        sources: [{ sdl: `${WEATHER}# edited\n` }],
        composites: [{ document: `${CITY_WEATHER}# edited\n` }, { document: 'query broken($id: ID!) {\n  order(id: $id) { nosuchfield }\n}\n' }],
        publish: true,
      }),
    );
    expect(broken.code).toBe('SCHEMA_REJECTED');
    expect(broken.message).toMatch(/^the upload was rejected, and the running schema is unchanged: registry\/composites\/broken\.graphql:2:20: /);
    expect(await registry.revision()).toBe(revision);
    const after = await contents(registry);
    expect(after.audit.slice(0, -1)).toEqual(before.audit);
    expect(after.audit.at(-1)).toMatchObject({ actor: 'ci', action: 'registry.apply', target: '*', outcome: 'rejected', detail: { via: 'push' } });
    expect({ ...after, audit: [] }).toEqual({ ...before, audit: [] });
  });

  it('refuses a WSDL file that was not uploaded with its source, saying what to do', async () => {
    const soap = 'extend schema @source(name: "rooms", kind: SOAP, url: "http://127.0.0.1:9/rooms", wsdl: "rooms.wsdl")\ntype Query { ping: String }\n';
    const missing = await refused(uploaded.registry.apply(pusher, { sources: [{ sdl: soap }], composites: [] }));
    expect(missing.message).toBe(
      'source "rooms" names the WSDL file "rooms.wsdl", which was not uploaded with it; upload it as an attachment or give wsdl: an http(s) URL',
    );
  });
});
