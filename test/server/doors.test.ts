import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/graph/index.js';
import { startGateway, type GatewayPlugin, type RunningGateway } from '../../src/server/index.js';
import { createFastLane } from '../../src/server/fast-lane.js';
import { createResultFinisher } from '../../src/server/finish-result.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { DOORS, graphOfSchema, startTestGateway, type Door, type TestGateway } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log-capture.js';

// /graphql has two doors into one pipeline: the fast lane (plain JSON POSTs from
// programs) and yoga (everything, and every request when the lane is off). Whatever door
// a request takes, the answer is the same to the byte: status, content type and body.

const SOURCE = (url: string) => `extend schema @source(name: "s", kind: REST, url: "${url}")
  type Item { id: ID! name: String }
  type Query {
    item(id: ID!): Item @rest(source: "s", path: "/items/{id}")
    broken: Item @rest(source: "s", path: "/broken")
    missing: Item @rest(source: "s", path: "/missing")
  }
  type Mutation { add(name: String): Item @rest(source: "s", method: POST, path: "/items") }`;

const COMPOSITE = `query itemPair($a: ID!, $b: ID!) { first: item(id: $a) { id name } second: item(id: $b) { id } }`;

/** A graph whose resolvers fail as bugs do, and which tells which door served it. */
function bugGraph(): Graph {
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { bug: String fine: String door: String }',
    resolvers: {
      Query: {
        bug: () => {
          throw new TypeError('cannot read secret of undefined (token s3cr3t)');
        },
        fine: () => 'ok',
        // yoga hands resolvers a Fetch Request; the lane its own view of the Node request.
        door: (_: unknown, __: unknown, context: { request: object }) => ('url' in context.request ? 'yoga' : 'lane'),
      },
    },
  });
  return graphOfSchema(schema);
}

const LIMITS = { maxAliases: 3, maxDepth: 3, maxTokens: 200, maxBatch: 2 };

describe('both doors of /graphql answer alike, byte for byte', () => {
  let upstream: RecordingUpstream;
  const rest = {} as Record<Door, TestGateway>;
  const bugs = {} as Record<Door, RunningGateway>;
  const log = captureLog();
  const logged = log.lines;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /items/*': (r) => ({ json: { id: r.path.split('/')[2], name: 'Lamp' } }),
      'GET /broken': { status: 502, body: 'bad gateway' },
      'GET /missing': { status: 404, json: { error: 'no such item' } },
      'POST /items': { json: { id: 'new', name: 'Desk' } },
    });
    for (const via of DOORS) {
      rest[via] = await startTestGateway({ sources: { 's.graphql': SOURCE(upstream.url) }, composites: { 'itemPair.graphql': COMPOSITE } }, {}, { settings: LIMITS, via });
      bugs[via] = await startGateway({
        graph: bugGraph(),
        port: 0,
        host: '127.0.0.1',
        settings: { ...LIMITS, fastLane: via === 'lane' },
        logger: log.logger,
      });
    }
  });
  afterAll(async () => {
    for (const via of DOORS) {
      await rest[via]?.close();
      await bugs[via]?.close();
    }
    await upstream.close();
  });

  const send = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      // The same request id through both doors, so masked errors (which quote it) compare too.
      headers: { 'content-type': 'application/json', 'x-request-id': 'same-id', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    // Step timings are the one thing that may differ: they are measured.
    const text = (await response.text()).replace(/"(startMs|endMs)":[\d.]+/g, '"$1":0');
    return { status: response.status, type: response.headers.get('content-type'), id: response.headers.get('x-request-id'), body: text };
  };

  const json = { accept: 'application/json' };
  const graphqlJson = { accept: 'application/graphql-response+json, application/json' };
  type Case = [name: string, world: 'rest' | 'bugs', body: unknown, headers?: Record<string, string>];
  const cases: Case[] = [
    ['a query', 'rest', { query: '{ item(id: "7") { id name } }' }],
    ['variables and an operation name', 'rest', { query: 'query A($id: ID!) { item(id: $id) { name } } query B { broken { id } }', operationName: 'A', variables: { id: '3' } }],
    ['a mutation', 'rest', { query: 'mutation { add(name: "Desk") { id name } }' }],
    ['a composite', 'rest', { query: '{ itemPair(a: "1", b: "2") { first { id name } second { id } } }' }],
    ['a composite with its plan exposed', 'rest', { query: '{ itemPair(a: "1", b: "2") { first { id } } }' }, { 'skein-expose-plan': 'true' }],
    ['an upstream error next to data (partial)', 'rest', { query: '{ broken { id } item(id: "1") { id } }' }],
    ['an upstream 404', 'rest', { query: '{ missing { id } }' }],
    ['a masked unexpected error next to data', 'bugs', { query: '{ bug fine }' }],
    ['a masked unexpected error alone', 'bugs', { query: '{ bug }' }],
    ['a syntax error', 'rest', { query: '{ item(id: "1") { id }' }],
    ['a syntax error, graphql-response+json', 'rest', { query: '{ item(id: "1") { id }' }, graphqlJson],
    ['an unknown field', 'rest', { query: '{ nope }' }, json],
    ['an unknown field, graphql-response+json', 'rest', { query: '{ nope }' }, graphqlJson],
    ['a variable of the wrong type', 'rest', { query: 'query ($id: ID!) { item(id: $id) { id } }', variables: { id: { no: 1 } } }],
    ['a missing variable, graphql-response+json', 'rest', { query: 'query ($id: ID!) { item(id: $id) { id } }' }, graphqlJson],
    ['an operation name that is not in the document', 'rest', { query: 'query A { item(id: "1") { id } }', operationName: 'B' }],
    ['two operations and no name', 'rest', { query: 'query A { item(id: "1") { id } } query B { item(id: "2") { id } }' }],
    ['over the alias limit', 'rest', { query: '{ a: item(id: "1") { id } b: item(id: "1") { id } c: item(id: "1") { id } d: item(id: "1") { id } }' }],
    ['over the depth limit', 'bugs', { query: '{ __schema { types { fields { type { name } } } } }' }],
    ['over the token limit', 'rest', { query: `{ item(id: "1") { ${'id '.repeat(200)} } }` }],
    ['an empty query', 'rest', { query: '' }],
    ['a query that is not a string', 'rest', { query: 42 }],
    ['no query at all', 'rest', { variables: {} }],
    ['a body that is not JSON', 'rest', '{ "query": '],
    ['a JSON array (a batch)', 'rest', [{ query: '{ item(id: "1") { id } }' }, { query: '{ nope }' }]],
    ['a batch over the limit', 'rest', [{ query: '{ fine }' }, { query: '{ fine }' }, { query: '{ fine }' }]],
    ['unknown parameters', 'rest', { query: '{ item(id: "1") { id } }', somethingElse: true }],
    ['an id of a persisted operation the gateway does not keep', 'rest', { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }],
  ];

  for (const [name, world, body, headers] of cases) {
    it(name, async () => {
      const url = (via: Door) => (world === 'rest' ? rest[via].url : bugs[via].url);
      const lane = await send(url('lane'), body, headers);
      const yoga = await send(url('yoga'), body, headers);
      expect(lane.body).toBe(yoga.body);
      expect(lane.body).not.toContain('"http"');
      expect(lane.status).toBe(yoga.status);
      expect(lane.type).toBe(yoga.type);
      expect(lane.id).toBe('same-id');
      expect(yoga.id).toBe('same-id');
    });
  }

  it('the lane gateway really serves plain POSTs by the lane, and the other one by yoga', async () => {
    for (const via of DOORS) {
      const answer = JSON.parse((await send(bugs[via].url, { query: '{ door }' })).body);
      expect(answer).toEqual({ data: { door: via } });
    }
    // A browser's request always takes yoga.
    const browser = JSON.parse((await send(bugs.lane.url, { query: '{ door }' }, { 'sec-fetch-site': 'same-origin' })).body);
    expect(browser).toEqual({ data: { door: 'yoga' } });
  });

  it('logs each masked error once with the request id, whichever door', async () => {
    logged.length = 0;
    for (const via of DOORS) await send(bugs[via].url, { query: '{ bug }' }, { 'x-request-id': `log-${via}` });
    for (const via of DOORS) {
      const lines = logged.filter((line) => line.includes(`log-${via}`));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('TypeError: cannot read secret of undefined');
    }
  });

  it('chooses the content type from Accept alike (graphql-response+json ranked first, or by q)', async () => {
    for (const accept of ['application/graphql-response+json, application/json', 'application/json;q=0.5, application/graphql-response+json', '*/*']) {
      const lane = await send(rest.lane.url, { query: '{ item(id: "1") { id } }' }, { accept });
      const yoga = await send(rest.yoga.url, { query: '{ item(id: "1") { id } }' }, { accept });
      expect(lane.type).toBe(yoga.type);
      expect(lane.type).toBe(accept === '*/*' ? 'application/json; charset=utf-8' : 'application/graphql-response+json; charset=utf-8');
    }
  });

  it('refuses a body over the limit while reading it, through either door', async () => {
    const big = JSON.stringify({ query: `{ item(id: "1") { id } } # ${'x'.repeat(1_100_000)}` });
    for (const via of DOORS) {
      const response = await fetch(rest[via].url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // A stream has no Content-Length, so the limit is found while reading.
        body: new Blob([big]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect((await response.json()).errors[0].extensions.code).toBe('BODY_TOO_LARGE');
    }
  });
});

describe('the fast lane and plugins it cannot honour', () => {
  const build = (plugin: GatewayPlugin) => () =>
    createFastLane({ yoga: {} as never, plugins: [plugin], finish: createResultFinisher(undefined, { maxResponseBytes: 1 << 20 }), logger: captureLog().logger });

  it('refuses, naming the plugin and the hook, a plugin with a request hook', () => {
    expect(build({ name: 'audit-log', onRequest: () => {} })).toThrow(/cannot run the onRequest hook of plugin "audit-log"/);
    expect(build({ name: 'tenant', onParams: () => {} })).toThrow(/onParams hook of plugin "tenant"/);
    expect(build({ name: 'cache', onResultProcess: () => {} })).toThrow(/onResultProcess hook of plugin "cache"/);
    expect(build({ name: 'tracing', instrumentation: { request: (_: unknown, run: () => void) => run() } } as never)).toThrow(
      /instrumentation\.request hook of plugin "tracing"/,
    );
  });

  it('builds with envelop hooks, and with request hooks of a browser-only plugin', () => {
    expect(build({ name: 'limits', onParse: () => {}, onValidate: () => {}, onExecute: () => {}, onContextBuilding: () => {} })).not.toThrow();
    expect(build({ name: 'csrf', browserOnly: true, onRequestParse: () => {} })).not.toThrow();
  });
});
