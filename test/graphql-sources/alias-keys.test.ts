import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { importGraphQL } from '../../src/sources/graphql/importer/import-graphql.js';
import { DOORS } from '../helpers/gateway.js';
import { listingsSubgraph, reviewsSubgraph, serveGraphQL, type GraphQLUpstream } from './upstreams.js';

// A client may alias any field onto the response key the gateway needs for itself: the
// entity key another subgraph is asked by, or the parent field a join reads. The gateway
// asks for those under private keys, so the two never meet in one upstream selection.
describe.each(DOORS)('client aliases onto key and join fields (%s)', (via) => {
  let listings: GraphQLUpstream;
  let reviews: GraphQLUpstream;
  let demo: DemoUpstreams;
  let graph: Graph;
  let gateway: RunningGateway;

  const query = async (text: string) => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };

  beforeAll(async () => {
    [listings, reviews, demo] = await Promise.all([serveGraphQL(listingsSubgraph()), serveGraphQL(reviewsSubgraph()), startDemoUpstreams({ delayMs: 0 })]);
    const folder = loadSchemaFolder('schema');
    graph = await buildGraph(
      {
        sources: [
          ...folder.sources,
          { path: 'listings.graphql', text: (await importGraphQL({ location: listings.url, source: 'listings' })).sdl },
          { path: 'reviews.graphql', text: (await importGraphQL({ location: reviews.url, source: 'reviews' })).sdl },
          { path: 'joins.graphql', text: 'extend type Review { room: Room @join(query: "room(roomId: $roomId)") }' },
        ],
        composites: [],
      },
      { urls: demo.urls, onSourceError: 'fail' },
    );
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { fastLane: via === 'lane' } });
  });
  afterAll(async () => {
    await gateway?.close();
    await graph?.close();
    await demo?.close();
    await listings?.close();
    await reviews?.close();
  });

  it('answers an alias on the entity key: the other subgraph is still asked by the real key', async () => {
    listings.received.length = 0;
    const answer = await query('{ listing(hotelId: "7") { hotelId: title key: hotelId averageRating } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ listing: { hotelId: 'Listing 7', key: '7', averageRating: 3.5 } });
    expect(listings.received[0].query).toMatch(/_skein_hotelId: hotelId/);
  });

  it('answers an alias on a join input: the join reads the real field', async () => {
    const answer = await query('{ review(id: "7a") { roomId: text room { roomId type } } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ review: { roomId: 'Review a of hotel 7', room: { roomId: '71', type: expect.any(String) } } });
  });

  it('keeps a client alias that swaps a key with another field on an entity fetched by key', async () => {
    const answer = await query('{ review(id: "7a") { id: text listing { hotelId: title averageRating } } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ review: { id: 'Review a of hotel 7', listing: { hotelId: 'Listing 7', averageRating: 3.5 } } });
  });
});
