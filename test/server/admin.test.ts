import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SUMMARY } from '../registry/fixtures.js';
import { ALICE, CI, startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';
import { STORE_KINDS } from '../registry/stores.js';

const PETSTORE = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  servers: [{ url: 'http://127.0.0.1:9/v1' }],
  paths: {
    '/pets/{petId}': {
      get: {
        operationId: 'getPet',
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'a pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
      },
    },
  },
  components: { schemas: { Pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string' } } } } },
});

describe.each(STORE_KINDS)('admin API on the %s store', (kind) => {
  let gw: TestRegistryGateway;

  beforeAll(async () => {
    gw = await startTestRegistryGateway(kind);
  });
  afterAll(() => gw?.close());

  it('answers 401 without a token or with a wrong one, and counts it, storing nothing', async () => {
    const before = (await gw.admin('{ status { revision } }')).data.status.revision;
    const save = 'mutation($d: String!) { saveComposite(document: $d) { name } }';
    const missing = await gw.admin(save, { d: ORDER_SUMMARY }, null);
    expect(missing.status).toBe(401);
    expect(missing.errors?.[0]).toEqual({
      message: 'the admin API needs Authorization: Bearer <token> (a token of SKEIN_ADMIN_TOKEN)',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const wrong = await gw.admin(save, { d: ORDER_SUMMARY }, 'alice-secret-2');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong)).not.toContain('alice-secret');

    // Refused attempts are counted at once and audited as one row per address and minute, not one by one.
    const after = await gw.admin('{ status { revision } composite(name: "orderSummary") { name } audit(limit: 50) { action } }');
    expect(after.data.status.revision).toBe(before);
    expect(after.data.composite).toBeNull();
    expect(after.data.audit.map((a: any) => a.action)).not.toContain('auth.denied');
    expect(await (await fetch(`${gw.origin}/metrics`)).text()).toMatch(/^skein_admin_denied_total 2$/m);
    expect(JSON.stringify(after.data.audit)).not.toContain('secret');
  });

  it('serves GraphiQL to a browser without a token, and nothing else', async () => {
    const page = await fetch(`${gw.origin}/admin/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Skein admin');
    const json = await fetch(`${gw.origin}/admin/graphql?query=${encodeURIComponent('{ sources { name } }')}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(401);
  });

  it('lists what was seeded, with state, versions, sources and endpoints', async () => {
    const { data } = await gw.admin(`{
      status { store actor servedRevision }
      composites { name state version liveVersion endpoint sources }
      sources { name kind state version origin usedBy operations }
    }`);
    expect(data.status).toEqual({ store: kind === 'postgres' ? 'POSTGRES' : 'EMBEDDED', actor: 'alice', servedRevision: 1 });
    expect(data.composites).toEqual([
      { name: 'customerStatement', state: 'PUBLISHED', version: 1, liveVersion: 1, endpoint: '/api/customerStatement', sources: ['bank'] },
    ]);
    const bank = data.sources.find((s: any) => s.name === 'bank');
    expect(bank).toEqual({
      name: 'bank',
      kind: 'REST',
      state: 'ACTIVE',
      version: 1,
      origin: 'SDL',
      usedBy: ['customerStatement'],
      operations: ['Query.verification', 'Query.statement', 'Query.warning'],
    });
  });

  it('saves a draft that clients cannot call but that can be planned as JSON, Mermaid and DOT', async () => {
    const saved = await gw.admin('mutation($d: String!) { saveComposite(document: $d) { name state version endpoint sources } }', { d: ORDER_SUMMARY });
    expect(saved.data.saveComposite).toEqual({ name: 'orderSummary', state: 'DRAFT', version: 1, endpoint: null, sources: ['hotels', 'orders', 'users'] });
    const call = await gw.graphql('{ orderSummary(orderId: "1") { order { id } } }');
    expect(call.errors?.[0].message).toBe('Cannot query field "orderSummary" on type "Query".');

    const plans = await gw.admin(`{
      json: plan(name: "orderSummary", format: JSON) { version json }
      mermaid: plan(name: "orderSummary", format: MERMAID) { text format }
      dot: plan(name: "orderSummary", format: DOT) { text }
    }`);
    expect(plans.data.json.json.stages).toEqual([['order'], ['user', 'hotel']]);
    expect(plans.data.mermaid.text).toMatch(/^flowchart LR/);
    expect(plans.data.mermaid.format).toBe('MERMAID');
    expect(plans.data.dot.text).toMatch(/^digraph/);
  });

  it('draws a draft as SVG and PNG, and gives its flow for a page to draw', async () => {
    const plans = await gw.admin(`{
      svg: plan(name: "orderSummary", format: SVG) { text flow }
      png: plan(name: "orderSummary", format: PNG) { text format }
    }`);
    expect(plans.errors).toBeUndefined();
    expect(plans.data.svg.text).toMatch(/^<svg [^>]*role="img"/);
    for (const step of ['order', 'user', 'hotel']) expect(plans.data.svg.text).toContain(`class="flow-step" data-step="${step}"`);
    expect(plans.data.svg.flow.steps.map((s: any) => s.id)).toEqual(['order', 'user', 'hotel']);
    expect(plans.data.svg.flow.edges.map((e: any) => `${e.from}→${e.to} ${e.label}`)).toEqual(['order→user $userId', 'order→hotel $hotelId']);
    const png = PNG.sync.read(Buffer.from(plans.data.png.text, 'base64'));
    const width = Number(/width="(\d+)"/.exec(plans.data.svg.text)![1]);
    expect(png.width).toBe(width * 2);
  });

  it('publishes, pauses and resumes, each taking effect on this gateway before the mutation answers', async () => {
    const published = await gw.admin('mutation { publish(name: "orderSummary") { state liveVersion } }', {}, CI);
    expect(published.data.publish).toEqual({ state: 'PUBLISHED', liveVersion: 1 });
    const call = await gw.graphql('{ orderSummary(orderId: "1") { order { id userId } user { name } hotel { name } } }');
    expect(call.errors).toBeUndefined();
    expect(call.data.orderSummary.order).toEqual({ id: '1', userId: '8' });
    expect(call.data.orderSummary.user.name).toEqual(expect.any(String));

    await gw.admin('mutation { pause(name: "orderSummary") { state } }', {}, CI);
    // Pausing again is no error and stores nothing (no audit entry below).
    const again = await gw.admin('mutation { pause(name: "orderSummary") { state liveVersion } }', {}, CI);
    expect(again).toEqual({ status: 200, data: { pause: { state: 'PAUSED', liveVersion: 1 } } });
    const paused = await gw.graphql('{ orderSummary(orderId: "1") { order { id } } }');
    expect(paused.errors?.[0].extensions?.code).toBe('COMPOSITE_PAUSED');
    await gw.admin('mutation { resume(name: "orderSummary") { state } }', {}, CI);
    expect((await gw.graphql('{ orderSummary(orderId: "1") { order { id } } }')).data.orderSummary.order.id).toBe('1');

    const audit = await gw.admin('{ audit(target: "orderSummary") { actor action version outcome detail } }');
    expect(audit.data.audit.map((a: any) => `${a.actor} ${a.action} ${a.outcome} via ${a.detail.via}`)).toEqual([
      'ci composite.resume OK via admin',
      'ci composite.pause OK via admin',
      'ci composite.publish OK via admin',
      'alice composite.save OK via admin',
    ]);
  });

  it('rejects a breaking change with the reason and keeps serving the running schema', async () => {
    const rejected = await gw.admin('mutation { removeSource(name: "users") { state } }');
    expect(rejected.errors?.[0].extensions?.code).toBe('SCHEMA_REJECTED');
    expect(rejected.errors?.[0].message).toMatch(/^removing source "users" was rejected, and the running schema is unchanged: /);
    expect(rejected.errors?.[0].extensions?.details.join('\n')).toMatch(/^registry\/sources\/orders\.graphql:\d+:\d+: Unknown type "User"\./m);
    const broken = await gw.admin('mutation($d: String!) { saveComposite(document: $d) { name } }', {
      d: 'query orderSummary($orderId: ID!) {\n  order(id: $orderId) { id nope }\n}',
    });
    expect(broken.errors?.[0].extensions?.details).toEqual(['registry/composites/orderSummary.graphql:2:28: Cannot query field "nope" on type "Order".']);
    expect((await gw.graphql('{ orderSummary(orderId: "2") { order { id } } }')).data.orderSummary.order.id).toBe('2');
  });

  it('registers a source from an OpenAPI document and removes it again', async () => {
    const added = await gw.admin('mutation($i: SourceInput!) { registerSource(input: $i) { name kind origin version operations sdl } }', {
      i: { name: 'pets', openapi: PETSTORE },
    });
    expect(added.errors).toBeUndefined();
    expect(added.data.registerSource).toMatchObject({ name: 'pets', kind: 'REST', origin: 'OPENAPI', version: 1, operations: ['Query.getPet'] });
    expect(added.data.registerSource.sdl).toContain('@source(name: "pets"');
    const schema = await gw.graphql('{ __type(name: "Query") { fields { name } } }');
    expect(schema.data.__type.fields.map((f: any) => f.name)).toContain('getPet');
    const removed = await gw.admin('mutation { removeSource(name: "pets") { state versions { version origin } } }');
    expect(removed.data.removeSource).toEqual({ state: 'REMOVED', versions: [{ version: 1, origin: 'OPENAPI' }] });
    const neither = await gw.admin('mutation { registerSource(input: { name: "x" }) { name } }');
    expect(neither.errors?.[0]).toMatchObject({ message: 'give exactly one of sdl, openapi, wsdl or graphql; 0 were given', extensions: { code: 'BAD_INPUT' } });
  });

  it('registers a SOAP source from a WSDL, kept with its SDL', async () => {
    const wsdl = readFileSync('schema/wsdl/rooms.wsdl', 'utf8');
    const added = await gw.admin('mutation($i: SourceInput!) { registerSource(input: $i) { name kind origin attachments operations sdl } }', {
      i: { name: 'lodging', wsdl, url: 'http://127.0.0.1:9/rooms' },
    });
    expect(added.errors).toBeUndefined();
    expect(added.data.registerSource).toMatchObject({ name: 'lodging', kind: 'SOAP', origin: 'WSDL', attachments: ['lodging.wsdl'] });
    expect(added.data.registerSource.operations.length).toBeGreaterThan(0);
    expect(added.data.registerSource.sdl).toContain('wsdl: "lodging.wsdl"');
    expect((await gw.admin('mutation { removeSource(name: "lodging") { state } }')).data.removeSource.state).toBe('REMOVED');
  });

  it('rolls back to an earlier version in one call', async () => {
    await gw.admin('mutation($d: String!) { saveComposite(document: $d) { version } }', { d: ORDER_SUMMARY.replace('name stars', 'name stars address') });
    await gw.admin('mutation { publish(name: "orderSummary") { liveVersion } }');
    const withAddress = await gw.graphql('{ orderSummary(orderId: "1") { hotel { address } } }');
    expect(withAddress.errors).toBeUndefined();
    const rolled = await gw.admin('mutation { rollback(name: "orderSummary", version: 1) { version liveVersion versions { version note } } }');
    expect(rolled.data.rollback).toMatchObject({ version: 3, liveVersion: 3 });
    expect(rolled.data.rollback.versions.at(-1)).toEqual({ version: 3, note: 'rollback to v1' });
    const gone = await gw.graphql('{ orderSummary(orderId: "1") { hotel { address } } }');
    expect(gone.errors?.[0].message).toBe('Cannot query field "address" on type "OrderSummaryHotel".');
  });

  it('pushes a folder as one change, unchanged texts making no new versions', async () => {
    const push = `mutation($s: [SourceUpload!]!, $c: [CompositeUpload!]!) {
      push(sources: $s, composites: $c, publish: true) { changed items { kind name action version state } }
    }`;
    const source = (await gw.admin('{ source(name: "hotels") { sdl } }')).data.source.sdl;
    const pushed = `${ORDER_SUMMARY}# pushed\n`;
    const first = await gw.admin(push, { s: [{ sdl: source }], c: [{ document: pushed }] });
    expect(first.data.push).toEqual({
      changed: true,
      items: [
        { kind: 'source', name: 'hotels', action: 'UNCHANGED', version: 1, state: 'active' },
        { kind: 'composite', name: 'orderSummary', action: 'UPDATED', version: 4, state: 'published' },
      ],
    });
    const again = await gw.admin(push, { s: [{ sdl: source }], c: [{ document: pushed }] });
    expect(again.data.push.changed).toBe(false);
    const audit = await gw.admin('{ audit(target: "orderSummary", limit: 2) { actor action version detail } }');
    expect(audit.data.audit).toEqual([
      { actor: 'alice', action: 'composite.publish', version: 4, detail: { from: 'published', to: 'published', via: 'push' } },
      { actor: 'alice', action: 'composite.save', version: 4, detail: { state: 'published', via: 'push' } },
    ]);
  });
});
