import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { importGraphQL } from '../../src/sources/graphql/importer/import-graphql.js';
import { listingsSubgraph, serveGraphQL, type GraphQLUpstream } from './upstreams.js';

// A Federation 2 subgraph that only refers to another subgraph's entity: a stub type with
// `@key(…, resolvable: false)` and the key alone, as Apollo's docs teach. Imported as a new
// user would, both subgraphs compose, and the stub's other fields come from the owner.

/** Bookings point at listings they cannot resolve themselves. */
function bookingsSubgraph() {
  return buildSubgraphSchema([
    {
      typeDefs: parse(/* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

        type Listing @key(fields: "hotelId", resolvable: false) {
          hotelId: ID!
        }

        type Booking @key(fields: "id") {
          id: ID!
          nights: Int!
          listing: Listing!
        }

        type Query {
          booking(id: ID!): Booking
        }
      `),
      resolvers: {
        Query: { booking: (_: unknown, { id }: { id: string }) => ({ id, nights: Number(id) + 1, listing: { hotelId: String(Number(id) + 1) } }) },
      },
    },
  ]);
}

describe('a subgraph that refers to another subgraph\'s entity (resolvable: false)', () => {
  let listings: GraphQLUpstream;
  let bookings: GraphQLUpstream;
  let graph: Graph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    listings = await serveGraphQL(listingsSubgraph());
    bookings = await serveGraphQL(bookingsSubgraph());
    const sources = [];
    for (const [name, upstream] of [['bookings', bookings], ['listings', listings]] as const) {
      sources.push({ path: `${name}.graphql`, text: (await importGraphQL({ location: upstream.url, source: name })).sdl });
    }
    graph = await buildGraph({ sources, composites: [] }, { onSourceError: 'fail' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await gateway?.close();
    await graph?.close();
    await listings?.close();
    await bookings?.close();
  });

  it('composes with the entity\'s owner, and fetches the stub\'s other fields from it, never from the stub', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ booking(id: "1") { id nights listing { hotelId title pricePerNight } } }' }),
    });
    expect(await response.json()).toEqual({
      data: { booking: { id: '1', nights: 2, listing: { hotelId: '2', title: 'Listing 2', pricePerNight: 120 } } },
    });
    expect(listings.entityCalls()).toHaveLength(1);
    expect(bookings.entityCalls()).toHaveLength(0);
  });
});
