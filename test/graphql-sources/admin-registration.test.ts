import { printSchema } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skein } from '../helpers/cli.js';
import { ALICE, startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';
import { STORE_KINDS } from '../registry/stores.js';
import { listingsSubgraph, serveGraphQL, weatherApi, type GraphQLUpstream } from './upstreams.js';

// The admin API registers a GraphQL source as it does REST and SOAP ones: the API's SDL is
// uploaded (read by `skein source add --graphql` on the operator's machine) and imported
// by the gateway with the importer `skein import graphql` uses.
const REGISTER = 'mutation($i: SourceInput!) { registerSource(input: $i) { name kind origin version url operations sdl } }';

describe.each(STORE_KINDS)('registering GraphQL sources through the admin API (%s store)', (kind) => {
  let gw: TestRegistryGateway;
  let weather: GraphQLUpstream;
  let listings: GraphQLUpstream;

  beforeAll(async () => {
    [gw, weather, listings] = await Promise.all([startTestRegistryGateway(kind), serveGraphQL(weatherApi()), serveGraphQL(listingsSubgraph())]);
  });
  afterAll(async () => {
    await gw?.close();
    await weather?.close();
    await listings?.close();
  });

  it('imports a plain API from its SDL and serves it at once', async () => {
    const added = await gw.admin(REGISTER, { i: { name: 'weather', graphql: printSchema(weatherApi()), url: weather.url } });
    expect(added.errors).toBeUndefined();
    expect(added.data.registerSource).toMatchObject({ name: 'weather', kind: 'GRAPHQL', origin: 'GRAPHQL', version: 1, url: weather.url });
    expect(added.data.registerSource.operations).toEqual(expect.arrayContaining(['Query.forecast', 'Mutation.report']));
    expect(added.data.registerSource.sdl).toContain(`extend schema @source(name: "weather", kind: GRAPHQL, url: "${weather.url}")`);
    const answer = await gw.graphql('{ forecast(place: { city: "Oslo" }) { city days(count: 1) { celsius } } }');
    expect(answer).toMatchObject({ data: { forecast: { city: 'Oslo', days: [{ celsius: 10 }] } } });
    const versions = await gw.admin('{ source(name: "weather") { versions { version origin } } }');
    expect(versions.data.source.versions).toEqual([{ version: 1, origin: 'GRAPHQL' }]);
  });

  it('imports a federation subgraph from its SDL with its entities', async () => {
    const added = await gw.admin(REGISTER, { i: { name: 'listings', graphql: printSubgraphSchema(listingsSubgraph()), url: listings.url } });
    expect(added.errors).toBeUndefined();
    expect(added.data.registerSource.sdl).toContain('federation: true');
    expect(added.data.registerSource.sdl).toContain('type Listing @entity(source: "listings", key: "hotelId")');
    expect((await gw.graphql('{ listing(hotelId: "4") { title } }')).data).toEqual({ listing: { title: 'Listing 4' } });
  });

  it('registers one with skein source add --graphql <url>, the schema read by the CLI', async () => {
    // The same API under another name: the first registration goes, or their root fields would clash.
    expect((await gw.admin('mutation { removeSource(name: "weather") { state } }')).data.removeSource.state).toBe('REMOVED');
    const result = await skein('source', 'add', '--graphql', weather.url, '--name', 'forecasts', '--gateway', gw.origin, '--token', ALICE);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`source forecasts (GRAPHQL): v1, active, ${weather.url}`);
    const versions = await gw.admin('{ source(name: "forecasts") { versions { origin } } }');
    expect(versions.data.source.versions).toEqual([{ origin: 'GRAPHQL' }]);
    expect((await gw.graphql('{ forecast(place: { city: "Turin" }) { city } }')).data).toEqual({ forecast: { city: 'Turin' } });
  });

  it('refuses an upload without the endpoint, or SDL that does not parse, saying what to give', async () => {
    const noUrl = await gw.admin(REGISTER, { i: { name: 'nowhere', graphql: 'type Query { a: Int }' } });
    expect(noUrl.errors?.[0]).toMatchObject({
      message: 'a GraphQL source needs url: the endpoint the gateway sends "nowhere" its operations to',
      extensions: { code: 'BAD_INPUT' },
    });
    const broken = await gw.admin(REGISTER, { i: { name: 'broken', graphql: 'type Query { a: }', url: 'http://127.0.0.1:9/graphql' } });
    expect(broken.errors?.[0].extensions?.code).toBe('BAD_INPUT');
    expect(broken.errors?.[0].message).toMatch(/^the GraphQL SDL could not be imported: the GraphQL SDL uploaded for "broken": the SDL does not parse: Syntax Error/);
    const sources = await gw.admin('{ sources { name } }');
    expect(sources.data.sources.map((s: { name: string }) => s.name)).not.toContain('broken');
  });
});
