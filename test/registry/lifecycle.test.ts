import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  folderUpload,
  SEEDING,
  type ChangeAuthor,
  type Changed,
  type CompositeRecord,
  type Registry,
} from '../../src/registry/index.js';
import { demoSource, ORDER_SUMMARY, testSchema } from './fixtures.js';
import { openTestRegistry, refused, STORE_KINDS, type TestRegistry } from './stores.js';

const alice: ChangeAuthor = { actor: 'alice', via: 'admin' };
const bob: ChangeAuthor = { actor: 'bob', via: 'admin' };
const ci: ChangeAuthor = { actor: 'ci', via: 'admin' };

describe.each(STORE_KINDS)('registry lifecycle on the %s store', (kind) => {
  let store: TestRegistry;
  let registry: Registry;

  beforeAll(async () => {
    store = await openTestRegistry(kind);
    registry = store.registry;
  });
  afterAll(() => store?.close());

  it('seeds from the schema folder: sources registered, composites published', async () => {
    const result = await registry.apply(SEEDING, { ...folderUpload(testSchema()), publish: true });
    expect(result.changed).toBe(true);
    expect(result.record.map((i) => `${i.kind} ${i.name} ${i.action} v${i.version} ${i.state}`)).toEqual([
      'source bank added v1 active',
      'source hotels added v1 active',
      'source orders added v1 active',
      'source users added v1 active',
      'composite customerStatement added v1 published',
    ]);
    const snapshot = await registry.snapshot();
    expect(snapshot.sources.map((s) => s.name)).toEqual(['bank', 'hotels', 'orders', 'users']);
    expect(snapshot.composites.map((c) => [c.name, c.state, c.liveVersion])).toEqual([['customerStatement', 'published', 1]]);
    expect(snapshot.revision).toBe(1);
  });

  it('walks a composite through draft → published → paused → published → deleted, each save a version', async () => {
    const saved = await registry.saveComposite(alice, { document: ORDER_SUMMARY });
    expect(saved.record).toMatchObject({ name: 'orderSummary', state: 'draft', version: 1, liveVersion: null, operation: 'query' });
    expect((await registry.snapshot()).composites.map((c) => c.name)).toEqual(['customerStatement']);

    const v2 = await registry.saveComposite(alice, { document: ORDER_SUMMARY.replace('name age', 'name age gender') });
    expect(v2.record).toMatchObject({ state: 'draft', version: 2 });

    const published = await registry.publish(ci, 'orderSummary');
    expect(published.record).toMatchObject({ state: 'published', version: 2, liveVersion: 2 });
    expect((await registry.snapshot()).composites.map((c) => c.name)).toEqual(['customerStatement', 'orderSummary']);

    // A new save does not change what is served until it is published.
    const v3 = await registry.saveComposite(alice, { document: ORDER_SUMMARY });
    expect(v3.record).toMatchObject({ state: 'published', version: 3, liveVersion: 2 });

    expect((await registry.pause(ci, 'orderSummary')).record).toMatchObject({ state: 'paused', liveVersion: 2 });
    const snapshot = await registry.snapshot();
    expect(snapshot.composites.find((c) => c.name === 'orderSummary')?.state).toBe('paused');
    expect((await registry.resume(ci, 'orderSummary')).record).toMatchObject({ state: 'published', liveVersion: 2 });


    expect((await registry.delete(ci, 'orderSummary')).record).toMatchObject({ state: 'deleted', liveVersion: null });
    expect((await registry.composites()).map((c) => c.name)).toEqual(['customerStatement']);
    expect((await registry.composites({ includeDeleted: true })).map((c) => c.name)).toEqual(['customerStatement', 'orderSummary']);
    expect((await registry.compositeVersions('orderSummary')).map((v) => [v.version, v.createdBy])).toEqual([
      [1, 'alice'],
      [2, 'alice'],
      [3, 'alice'],
    ]);
    const deleted = await refused(registry.publish(ci, 'orderSummary'));
    expect(deleted.message).toContain('is deleted, so it cannot be published; only saving it again starts a new draft');

    // Saving again starts a new life; the count goes on.
    expect((await registry.saveComposite(alice, { document: ORDER_SUMMARY })).record).toMatchObject({ state: 'draft', version: 4 });
  });

  it('rolls back to any earlier version as a new version, served at once when live', async () => {
    await registry.publish(ci, 'orderSummary'); // v4
    await registry.saveComposite(alice, { document: ORDER_SUMMARY.replace('name stars', 'name') }); // v5
    await registry.publish(ci, 'orderSummary', 5);
    const rolled = await registry.rollback(ci, 'orderSummary', 2);
    expect(rolled.record).toMatchObject({ version: 6, liveVersion: 6, state: 'published' });
    const v6 = await registry.compositeVersion('orderSummary', 6);
    expect(v6.document).toBe((await registry.compositeVersion('orderSummary', 2)).document);
    expect(v6.note).toBe('rollback to v2');
    expect((await refused(registry.rollback(ci, 'orderSummary', 9))).message).toBe(
      'composite "orderSummary" can roll back to v1…v5 (v6 is its newest version), not v9',
    );
    expect((await refused(registry.publish(ci, 'orderSummary', 42))).message).toBe('composite "orderSummary" has versions v1…v6, not v42');
  });

  it('answers a verb whose end state is reached with success, storing nothing', async () => {
    await registry.saveComposite(alice, { document: ORDER_SUMMARY.replace('orderSummary', 'repeated') });
    const paused = await refused(registry.pause(ci, 'repeated'));
    expect(paused.code).toBe('INVALID_TRANSITION');
    expect(paused.message).toBe('composite "repeated" is draft, so it cannot be paused; it can be published, deleted, rolled back');

    /** Repeats a verb whose end state is reached: success, the same record, no revision, no audit entry. */
    const repeated = async (step: () => Promise<Changed<CompositeRecord>>, state: string) => {
      const revision = await registry.revision();
      const audited = (await registry.audit({ limit: 1000 })).length;
      const before = await registry.composite('repeated');
      const again = await step();
      expect(again).toEqual({ changed: false, record: before });
      expect(again.record.state).toBe(state);
      expect(await registry.revision()).toBe(revision);
      expect((await registry.audit({ limit: 1000 })).length).toBe(audited);
    };
    expect((await registry.publish(ci, 'repeated')).changed).toBe(true);
    await repeated(() => registry.publish(ci, 'repeated'), 'published');
    await repeated(() => registry.publish(ci, 'repeated', 1), 'published');
    await repeated(() => registry.resume(ci, 'repeated'), 'published');
    expect((await registry.pause(ci, 'repeated')).changed).toBe(true);
    await repeated(() => registry.pause(ci, 'repeated'), 'paused');
    expect((await registry.delete(ci, 'repeated')).changed).toBe(true);
    await repeated(() => registry.delete(ci, 'repeated'), 'deleted');
    expect((await registry.compositeVersions('repeated')).length).toBe(1);
    expect((await refused(registry.pause(ci, 'nosuchcomposite'))).message).toBe('no composite named "nosuchcomposite" is registered');
    expect((await refused(registry.delete(ci, 'nosuchcomposite'))).code).toBe('NOT_FOUND');
  });

  it('says there is nothing to roll back to when a composite has one version', async () => {
    await registry.saveComposite(alice, { document: ORDER_SUMMARY.replace('orderSummary', 'single') });
    const only = await refused(registry.rollback(ci, 'single', 1));
    expect(only.code).toBe('BAD_INPUT');
    expect(only.message).toBe('composite "single" has only v1, so there is no earlier version to roll back to');
    await registry.saveComposite(alice, { document: ORDER_SUMMARY.replace('orderSummary', 'single').replace('name age', 'name') });
    expect((await refused(registry.rollback(ci, 'single', 2))).message).toBe('composite "single" can roll back to v1 (v2 is its newest version), not v2');
    expect((await refused(registry.publish(ci, 'single', 0))).message).toBe('composite "single" has versions v1…v2, not v0');
    await registry.delete(ci, 'single');
  });

  it('rejects a change that would break the schema before storing it, with file:line:column', async () => {
    const before = await registry.revision();
    const broken = await refused(
      registry.saveComposite(alice, { document: 'query broken($id: ID!) {\n  order(id: $id) { nosuchfield }\n}\n' }),
    );
    expect(broken.code).toBe('SCHEMA_REJECTED');
    expect(broken.details).toEqual(['registry/composites/broken.graphql:2:20: Cannot query field "nosuchfield" on type "Order".']);
    expect(await registry.composite('broken')).toBeUndefined();

    const removal = await refused(registry.removeSource(bob, 'bank'));
    expect(removal.code).toBe('SCHEMA_REJECTED');
    expect(removal.message).toMatch(/^removing source "bank" was rejected, and the running schema is unchanged: registry\/composites\/customerStatement\.graphql:\d+:\d+: Cannot query field "verification" on type "Query"/);

    const badSdl = await refused(registry.registerSource(bob, { sdl: demoSource('hotels').replace('stars: Int', 'stars: Nope') }));
    expect(badSdl.details[0]).toMatch(/^registry\/sources\/hotels\.graphql:\d+:\d+: Unknown type "Nope"/);
    expect(await registry.revision()).toBe(before);

    const audit = await registry.audit({ limit: 3 });
    expect(audit.map((a) => [a.actor, a.action, a.outcome])).toEqual([
      ['bob', 'source.register', 'rejected'],
      ['bob', 'source.remove', 'rejected'],
      ['alice', 'composite.save', 'rejected'],
    ]);
  });

  it('registers, updates and removes a source, keeping every version', async () => {
    const extra = `extend schema @source(name: "weather", kind: REST, url: "http://127.0.0.1:9")\ntype Forecast { city: String! celsius: Float }\ntype Query { forecast(city: String!): Forecast @rest(source: "weather", path: "/forecast/{city}") }\n`;
    expect((await registry.registerSource(bob, { sdl: extra })).record).toMatchObject({ name: 'weather', version: 1, state: 'active', kind: 'REST' });
    expect((await registry.registerSource(bob, { sdl: extra })).changed).toBe(false);
    expect((await registry.registerSource(bob, { sdl: extra.replace('celsius: Float', 'celsius: Float fahrenheit: Float') })).record.version).toBe(2);
    expect((await refused(registry.registerSource(bob, { name: 'rain', sdl: extra }))).message).toBe('the SDL declares source "weather", not "rain"');
    expect((await registry.removeSource(bob, 'weather')).record.state).toBe('removed');
    expect((await registry.sources()).map((s) => s.name)).not.toContain('weather');
    expect((await registry.sourceVersions('weather')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses an SDL file that declares no source, or several, saying what to do', async () => {
    const joins = await refused(registry.registerSource(bob, { sdl: 'extend type Order { owner: User @join(query: "user(id: $userId)") }' }));
    expect(joins.message).toContain('declares no `extend schema @source(…)`');
    expect(joins.message).toContain('in the file of a source they extend');
    const two = `extend schema @source(name: "a", kind: REST, url: "http://x") @source(name: "b", kind: REST, url: "http://y")\ntype Query { a: String }`;
    expect((await refused(registry.registerSource(bob, { sdl: two }))).message).toContain('declares 2 sources');
  });

  it('seeding again keeps what an admin changed, and follows the folder for the rest', async () => {
    await registry.pause(ci, 'customerStatement');
    const again = await registry.apply(SEEDING, { ...folderUpload(testSchema()), publish: true });
    expect(again.changed).toBe(false);
    expect(again.record.every((i) => i.action === 'unchanged')).toBe(true);
    expect((await registry.composite('customerStatement'))?.state).toBe('paused');
    await registry.resume(ci, 'customerStatement');

    // The folder changed: what only the seed wrote follows it; what an admin saved is kept.
    const folder = testSchema();
    const edited = {
      sources: folder.sources.map((f) => (f.path.endsWith('hotels.graphql') ? { ...f, text: `${f.text}\n# edited in the folder\n` } : f)),
      composites: folder.composites.map((f) => ({ ...f, text: `${f.text}\n# edited in the folder\n` })),
    };
    const bank = folder.sources.find((f) => f.path.endsWith('bank.graphql'))!;
    await registry.registerSource(alice, { sdl: `${bank.text}\n# edited by alice\n` });
    const edits = await registry.apply(SEEDING, {
      ...folderUpload({ ...edited, sources: edited.sources.map((f) => (f === bank ? { ...f, text: `${f.text}\n# folder\n` } : f)) }),
      publish: true,
    });
    const actions = Object.fromEntries(edits.record.map((i) => [i.name, i.action]));
    expect(actions).toMatchObject({ hotels: 'updated', customerStatement: 'updated', bank: 'kept', users: 'unchanged' });
    expect((await registry.composite('customerStatement'))?.state).toBe('published');
  });

  it('loses no version when two clients save the same composite at once', async () => {
    const other = kind === 'postgres' ? await store.reopen() : registry;
    const saves = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? other : registry).saveComposite(i % 2 ? bob : alice, { document: `${ORDER_SUMMARY}# save ${i}\n` }),
    );
    const results = await Promise.all(saves);
    const versions = results.map((r) => r.record.version).sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(12);
    const all = await registry.compositeVersions('orderSummary');
    expect(all.map((v) => v.version)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    for (let i = 0; i < 12; i++) expect(all.some((v) => v.document.endsWith(`# save ${i}\n`))).toBe(true);
  });

  it('keeps everything across a restart', async () => {
    const before = await registry.snapshot();
    registry = await store.reopen();
    const after = await registry.snapshot();
    expect(after).toEqual(before);
    expect((await registry.audit({ limit: 1000 })).length).toBeGreaterThan(10);
  });
});
