import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery, type IntrospectionObjectType, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminTokens, startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { skein } from '../helpers/cli.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { createDataDir } from '../registry/stores.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** A source of writes only, as an OpenAPI document of POSTs imports: no Query field of its own. */
const LEDGER = (url: string) => `extend schema @source(name: "ledger", kind: REST, url: "${url}")
type Entry { id: ID! amount: Float! }
input EntryInput { amount: Float! }
type Mutation {
  book(input: EntryInput!): Entry @rest(source: "ledger", method: POST, path: "/entries", body: "input")
}
`;

const SHOP = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
type Order { id: ID! }
type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }
`;

const GATEWAY_INFO = '{ _skein { version sources { name kind } } }';

describe.each(DOORS)('Query._skein through the %s door', (via) => {
  let upstream: RecordingUpstream;
  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'POST /entries': (request) => ({ json: { id: '7', amount: JSON.parse(request.body).amount } }),
      'GET /orders/1': { json: { id: '1' } },
    });
  });
  afterAll(() => upstream?.close());

  it('a graph of one mutation-only source serves: the built-in query answers, the mutation calls its upstream', async () => {
    const gateway = await startTestGateway({ sources: { 'ledger.graphql': LEDGER(upstream.url) } }, {}, { via });
    try {
      const info = await gateway.query(GATEWAY_INFO);
      expect(info.errors).toBeUndefined();
      expect(info.data).toEqual({ _skein: { version: VERSION, sources: [{ name: 'ledger', kind: 'REST' }] } });
      const before = upstream.received.length;
      const booked = await gateway.query('mutation { book(input: { amount: 12.5 }) { id amount } }');
      expect(booked.errors).toBeUndefined();
      expect(booked.data).toEqual({ book: { id: '7', amount: 12.5 } });
      expect(upstream.received.slice(before).map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual(['POST /entries {"amount":12.5}']);
    } finally {
      await gateway.close();
    }
  });

  it("sits beside the sources' own Query fields, listing every source sorted by name, and calls no upstream", async () => {
    const gateway = await startTestGateway(
      { sources: { 'shop.graphql': SHOP(upstream.url), 'ledger.graphql': LEDGER(upstream.url) } },
      {},
      { via },
    );
    try {
      const before = upstream.received.length;
      const answer = await gateway.query('{ _skein { sources { name kind } } }');
      expect(answer.data).toEqual({ _skein: { sources: [{ name: 'ledger', kind: 'REST' }, { name: 'shop', kind: 'REST' }] } });
      expect(upstream.received.length).toBe(before);
      const both = await gateway.query('{ order(id: "1") { id } _skein { version } }');
      expect(both.errors).toBeUndefined();
      expect(both.data).toEqual({ order: { id: '1' }, _skein: { version: VERSION } });
      expect(Object.keys(gateway.graph.schema.getQueryType()!.getFields())).toEqual(['order', '_skein']);
    } finally {
      await gateway.close();
    }
  });

  it('is in the introspected public schema with its types, while the configuration types stay out', async () => {
    const gateway = await startTestGateway({ sources: { 'ledger.graphql': LEDGER(upstream.url) } }, {}, { via });
    try {
      const { data } = await gateway.query<IntrospectionQuery>(getIntrospectionQuery());
      const types = new Map(data!.__schema.types.map((t) => [t.name, t]));
      const query = types.get('Query') as IntrospectionObjectType;
      expect(query.fields.map((f) => f.name)).toEqual(['_skein']);
      expect(query.fields[0].type).toMatchObject({ kind: 'NON_NULL', ofType: { name: 'SkeinGateway' } });
      expect((types.get('SkeinGateway') as IntrospectionObjectType).fields.map((f) => f.name)).toEqual(['version', 'sources']);
      expect((types.get('SkeinSource') as IntrospectionObjectType).fields.map((f) => f.name)).toEqual(['name', 'kind']);
      expect(types.get('SkeinSourceKind')).toMatchObject({ kind: 'ENUM', enumValues: [{ name: 'REST' }, { name: 'SOAP' }, { name: 'NATS' }, { name: 'MQTT' }] });
      expect(types.has('SourceKind')).toBe(false);
    } finally {
      await gateway.close();
    }
  });
});

describe('skein check', () => {
  const folder = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-builtin-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };

  it('accepts a folder whose one source has no Query field, and says Query holds only the built-in', async () => {
    const dir = folder({ 'sources/ledger.graphql': LEDGER('http://127.0.0.1:9') });
    const result = await skein('check', '--schema', dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${dir}: ok (1 source, 1 operation, 0 composites)\n  no Query field of its own: Query has only the gateway's built-in _skein\n`);
  });

  it("refuses a source file's own Query._skein at its file, line and column", async () => {
    const dir = folder({
      'sources/shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")\ntype Query {\n  _skein: String @rest(source: "shop", path: "/")\n}\n`,
    });
    const result = await skein('check', '--schema', dir);
    expect(result.code).toBe(1);
    const file = path.relative(process.cwd(), path.join(dir, 'sources/shop.graphql'));
    expect(result.stderr).toBe(`${file}:3:3: Query._skein is the gateway's built-in field (its version and sources); rename this field\n`);
  });
});

describe.each(DOORS)('the registry serves a mutation-only source through the %s door, and lists no built-in as an operation', (via) => {
  const TOKEN = 'builtin-secret-1';
  const data = createDataDir();
  let upstream: RecordingUpstream;
  let gateway: RunningRegistryGateway;

  const call = async (route: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${new URL(gateway.url).origin}${route}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, text: await response.text() };
  };
  const graphql = async (query: string) => JSON.parse((await call('/graphql', { body: { query } })).text) as { data?: any; errors?: unknown[] };
  const admin = async (query: string, variables?: Record<string, unknown>) =>
    JSON.parse((await call('/admin/graphql', { body: { query, variables }, headers: { authorization: `Bearer ${TOKEN}` } })).text) as {
      data?: any;
      errors?: unknown[];
    };

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'POST /entries': (request) => ({ json: { id: '8', amount: JSON.parse(request.body).amount } }),
    });
    // An empty registry: nothing declares a Query field, and it serves all the same.
    gateway = await startRegistryGateway({
      dataDir: data.dir,
      tokens: AdminTokens.parse(`tester:${TOKEN}`),
      port: 0,
      host: '127.0.0.1',
      warn: () => {},
      settings: { fastLane: via === 'lane' },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    data.remove();
  });

  it('an empty registry answers the built-in query, with no sources', async () => {
    expect(await graphql(GATEWAY_INFO)).toEqual({ data: { _skein: { version: VERSION, sources: [] } } });
  });

  it('after registering a mutation-only source and a composite of it: the built-in lists it, the mutation calls it', async () => {
    const registered = await admin('mutation($i: SourceInput!) { registerSource(input: $i) { name operations } }', { i: { sdl: LEDGER(upstream.url) } });
    expect(registered.errors).toBeUndefined();
    expect(registered.data.registerSource).toEqual({ name: 'ledger', operations: ['Mutation.book'] });
    const composite = await admin('mutation($d: String!) { saveComposite(document: $d) { name } publish(name: "bookOne") { state } }', {
      d: 'mutation bookOne($amount: Float!) { book(input: { amount: $amount }) { id amount } }',
    });
    expect(composite.errors).toBeUndefined();

    expect(await graphql(GATEWAY_INFO)).toEqual({ data: { _skein: { version: VERSION, sources: [{ name: 'ledger', kind: 'REST' }] } } });
    expect(await graphql('mutation { bookOne(amount: 3) { book { id amount } } }')).toEqual({ data: { bookOne: { book: { id: '8', amount: 3 } } } });
    expect(upstream.received.map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual(['POST /entries {"amount":3}']);
  });

  it('the admin API, the /api catalog and /api/openapi.json show the source operation and the composite, never _skein', async () => {
    expect((await admin('{ sources { name operations } }')).data.sources).toEqual([{ name: 'ledger', operations: ['Mutation.book'] }]);
    const catalog = (await call('/api')).text;
    expect(catalog).toContain('Mutation.book');
    expect(catalog).toContain('bookOne');
    expect(catalog).not.toContain('_skein');
    const openapi = (await call('/api/openapi.json')).text;
    expect(Object.keys((JSON.parse(openapi) as { paths: Record<string, unknown> }).paths)).toEqual(['/api/bookOne']);
    expect(openapi).not.toContain('_skein');
    expect((await call('/api/_skein')).status).toBe(404);
  });
});
