import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skein } from '../helpers/cli.js';
import { listingsSubgraph, serveGraphQL, weatherApi, type GraphQLUpstream } from './upstreams.js';

// `skein import graphql` as a user runs it: the SDL on standard output with --out -, the
// summary on standard error, and a failure that says what to do.
describe('skein import graphql', () => {
  let weather: GraphQLUpstream;
  let closed: GraphQLUpstream;
  let listings: GraphQLUpstream;
  beforeAll(async () => {
    [weather, closed, listings] = await Promise.all([serveGraphQL(weatherApi()), serveGraphQL(weatherApi(), { introspection: false }), serveGraphQL(listingsSubgraph())]);
  });
  afterAll(async () => {
    await Promise.all([weather?.close(), closed?.close(), listings?.close()]);
  });

  it('writes a plain API with --prefix and moves a field with --query', async () => {
    const result = await skein('import', 'graphql', weather.url, '--source', 'weather', '--prefix', 'Wx', '--query', 'report', '--out', '-');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wxReport(city: String!, celsius: Float!): WxDay! @graphql(source: "weather", field: "report", operation: MUTATION)');
    expect(result.stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql \(GraphQL API, read by introspection\): 5 Query fields, 0 Mutation fields, 6 types → standard output/m);
  });

  it('writes a subgraph with its entities', async () => {
    const result = await skein('import', 'graphql', listings.url, '--source', 'listings', '--out', '-');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('type Listing @entity(source: "listings", key: "hotelId")');
    expect(result.stderr).toMatch(/\(federation subgraph, read by _service \{ sdl \}\): 2 Query fields, 0 Mutation fields, 1 type, entities Listing/);
  });

  it('says introspection is off and how to import a file instead', async () => {
    const result = await skein('import', 'graphql', closed.url, '--source', 'weather', '--out', '-');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('does not answer the introspection query (it said: "GraphQL introspection is not allowed")');
    expect(result.stderr).toContain('skein import graphql schema.graphql --source <name> --url');
  });
});
