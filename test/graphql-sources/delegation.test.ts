import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGraphQL } from '../../src/sources/graphql/importer/import-graphql.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { serveGraphQL, weatherApi, type GraphQLUpstream } from './upstreams.js';

// A plain GraphQL API (graphql-yoga, not a subgraph) imported with --prefix Wx, then
// served: what the gateway forwards, in how many calls, and where upstream errors land.
describe.each(DOORS)('delegation to a GraphQL API (%s)', (via) => {
  let weather: GraphQLUpstream;
  let gateway: TestGateway;
  let sdl: string;

  beforeAll(async () => {
    weather = await serveGraphQL(weatherApi());
    ({ sdl } = await importGraphQL({ location: weather.url, source: 'weather', prefix: 'Wx' }));
    gateway = await startTestGateway({ sources: { 'weather.graphql': sdl } }, {}, { via });
  });
  afterAll(async () => {
    await gateway?.close();
    await weather?.close();
  });

  it('imports readable SDL: prefixed names, the upstream names kept', () => {
    expect(sdl).toContain('extend schema @source(name: "weather", kind: GRAPHQL, url: "' + weather.url + '")');
    expect(sdl).toContain('wxForecast(place: WxPlace!, unit: WxUnit = CELSIUS): WxForecast @graphql(source: "weather", field: "forecast")');
    expect(sdl).toContain('type WxForecast implements WxReading @wire(name: "Forecast")');
    expect(sdl).toContain('wxReport(city: String!, celsius: Float!): WxDay! @graphql(source: "weather", field: "report")');
  });

  it('forwards only the selection, fragments inlined, variables used and aliases kept, several root fields in one call', async () => {
    weather.received.length = 0;
    const answer = await gateway.query(
      /* GraphQL */ `
        query Trip($city: String!, $n: Int, $cities: [String!]!) {
          bergen: wxForecast(place: { city: $city }) { city ...Days }
          readings: wxReadings(cities: $cities) { city ... on WxAlert { level } }
        }
        fragment Days on WxForecast { first: days(count: $n) { day celsius } }
      `,
      { city: 'Bergen', n: 3, cities: ['Oslo', 'Turin'] },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      bergen: { city: 'Bergen', first: [{ day: 1, celsius: 10 }, { day: 2, celsius: 11 }, { day: 3, celsius: 12 }] },
      readings: [{ city: 'Oslo' }, { city: 'Turin', level: 2 }],
    });
    expect(weather.received).toHaveLength(1);
    const [sent] = weather.received;
    expect(sent.query).toContain('first: days(count: $f0_v_n)');
    expect(sent.query).toContain('... on Alert');
    expect(sent.query).toContain('__typename');
    expect(sent.query).not.toMatch(/\$city|\$cities|summary|WxForecast|fragment|Days/);
    expect(sent.variables).toEqual({ f0_a_place: { city: 'Bergen' }, f0_a_unit: 'CELSIUS', f0_v_n: 3, f1_a_cities: ['Oslo', 'Turin'] });
  });

  it('puts upstream errors at the client paths, naming the source, and keeps the rest', async () => {
    const answer = await gateway.query(`{ wxForecast(place: { city: "Bergen" }) { days { day summary } } wxBroken }`);
    expect(answer.data).toEqual({ wxForecast: { days: [{ day: 1, summary: 'day 1 in Bergen' }, { day: 2, summary: null }] }, wxBroken: null });
    const byPath = Object.fromEntries((answer.errors ?? []).map((e) => [JSON.stringify(e.path), e]));
    expect(byPath['["wxForecast","days",1,"summary"]']).toMatchObject({
      message: 'no summary for Bergen on day 2',
      extensions: { code: 'UPSTREAM_GRAPHQL_ERROR', source: 'weather', upstreamCode: 'NO_SUMMARY' },
    });
    expect(byPath['["wxBroken"]']).toMatchObject({ message: 'the broken field is broken', extensions: { source: 'weather' } });
  });

  it('sends mutations one by one, as mutations', async () => {
    weather.received.length = 0;
    const answer = await gateway.query(`mutation { a: wxReport(city: "Oslo", celsius: 3.5) { celsius summary } b: wxReport(city: "Oslo", celsius: 4) { celsius } }`);
    expect(answer.data).toEqual({ a: { celsius: 3.5, summary: 'reported' }, b: { celsius: 4 } });
    expect(weather.received.map((r) => r.query.trim().split(/[\s(]/)[0])).toEqual(['mutation', 'mutation']);
  });
});

describe('bad GraphQL upstreams', () => {
  let weather: GraphQLUpstream;
  let closed: GraphQLUpstream;
  let notGraphQL: http.Server;
  let notGraphQLUrl: string;
  let folder: string;

  beforeAll(async () => {
    weather = await serveGraphQL(weatherApi());
    closed = await serveGraphQL(weatherApi(), { introspection: false });
    notGraphQL = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: 'ok', items: [] }));
    });
    await new Promise<void>((resolve) => notGraphQL.listen(0, '127.0.0.1', resolve));
    notGraphQLUrl = `http://127.0.0.1:${(notGraphQL.address() as AddressInfo).port}/graphql`;
    folder = await mkdtemp(path.join(tmpdir(), 'skein-graphql-import-'));
  });
  afterAll(async () => {
    await weather?.close();
    await closed?.close();
    await new Promise((resolve) => notGraphQL?.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });

  it('says when introspection is turned off, and imports the SDL file instead', async () => {
    await expect(importGraphQL({ location: closed.url, source: 'weather' })).rejects.toThrow(
      /does not answer the introspection query \(it said: "GraphQL introspection is not allowed"\)\. Introspection may be turned off there: export the API's SDL and import the file instead/,
    );
    const file = path.join(folder, 'weather.graphql');
    await writeFile(file, printSchema(weatherApi()));
    const { sdl, federation } = await importGraphQL({ location: file, source: 'weather', url: closed.url });
    expect(federation).toBe(false);
    const gateway = await startTestGateway({ sources: { 'weather.graphql': sdl } });
    try {
      const answer = await gateway.query(`{ forecast(place: { city: "Oslo" }) { city } }`);
      expect(answer).toMatchObject({ data: { forecast: { city: 'Oslo' } } });
    } finally {
      await gateway.close();
    }
  });

  it('refuses --federation for an API without _service', async () => {
    await expect(importGraphQL({ location: weather.url, source: 'weather', federation: true })).rejects.toThrow(
      /is not a federation subgraph: it does not answer _service \{ sdl \} \("Cannot query field \\"_service\\" on type \\"Query\\"\."\); import it without --federation/,
    );
  });

  it('names an answer that is not a GraphQL response, and the rest of the graph still serves', async () => {
    const { sdl } = await importGraphQL({ location: weather.url, source: 'weather' });
    const gateway = await startTestGateway({
      sources: {
        'weather.graphql': sdl,
        'odd.graphql': `extend schema @source(name: "odd", kind: GRAPHQL, url: "${notGraphQLUrl}")
          extend type Query { odd: String @graphql(source: "odd") }`,
      },
    });
    try {
      const answer = await gateway.query(`{ odd forecast(place: { city: "Oslo" }) { city } }`);
      expect(answer.data).toEqual({ odd: null, forecast: { city: 'Oslo' } });
      expect(answer.errors).toEqual([
        expect.objectContaining({
          path: ['odd'],
          message: 'Upstream "odd" answered Query.odd (HTTP 200) with JSON that is not a GraphQL response: expected "data" or "errors", got only "result", "items"',
          extensions: expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', source: 'odd' }),
        }),
      ]);
    } finally {
      await gateway.close();
    }
  });
});
