import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { explainPlan } from '../../src/composite/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { importGraphQL } from '../../src/sources/graphql/importer/import-graphql.js';
import { startCountingProxies, type CountingProxies } from '../helpers/counting-proxy.js';
import { DOORS } from '../helpers/gateway.js';
import { listingsSubgraph, reviewsSubgraph, serveGraphQL, type GraphQLUpstream } from './upstreams.js';

// Two Apollo Federation subgraphs (@apollo/subgraph, served by graphql-yoga) beside the
// demo's REST (orders, users, hotels) and SOAP (rooms) sources. Each subgraph is imported
// as a new user would (`skein import graphql <url>`); one more file joins them to REST and
// SOAP in both directions:
//   Order (REST) → Listing (listings subgraph), Listing → Hotel (REST), Review (reviews subgraph) → Room (SOAP).
const JOINS = /* GraphQL */ `
extend type Order { listing: Listing @join(query: "listing(hotelId: $hotelId)") }
extend type Listing { hotel: Hotel @join(query: "hotel(id: $hotelId)") }
extend type Review { room: Room @join(query: "room(roomId: $roomId)") }
`;

// A composite over GraphQL sources: the REST order's hotel feeds a subgraph field and a REST one.
const STAY_REPORT = /* GraphQL */ `
query stayReport($orderId: ID!, $hotelId: ID! @internal) {
  order(id: $orderId) { id hotelId @export(as: "hotelId") }
  listing(hotelId: $hotelId) { title pricePerNight averageRating }
  hotel(id: $hotelId) { name }
}
`;
// …and one where a subgraph's answer feeds REST.
const REVIEW_DIGEST = /* GraphQL */ `
query reviewDigest($reviewId: ID!, $hotelId: ID! @internal) {
  review(id: $reviewId) { text listing { hotelId @export(as: "hotelId") } }
  hotel(id: $hotelId) { name stars }
}
`;

describe.each(DOORS)('federation subgraphs joined with REST and SOAP (%s)', (via) => {
  let listings: GraphQLUpstream;
  let reviews: GraphQLUpstream;
  let demo: DemoUpstreams;
  let proxies: CountingProxies;
  let graph: Graph;
  let gateway: RunningGateway;
  const imported: Record<string, string> = {};

  const query = async (text: string, variables?: Record<string, unknown>) => {
    listings.received.length = 0;
    reviews.received.length = 0;
    proxies.calls.length = 0;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string; path?: unknown[]; extensions?: any }[] };
  };
  const restCalls = (upstream: string) => proxies.calls.filter((c) => c.upstream === upstream).length;

  beforeAll(async () => {
    [listings, reviews, demo] = await Promise.all([serveGraphQL(listingsSubgraph()), serveGraphQL(reviewsSubgraph()), startDemoUpstreams({ delayMs: 0 })]);
    proxies = await startCountingProxies(demo.urls);
    for (const [name, upstream] of [['listings', listings], ['reviews', reviews]] as const) {
      imported[name] = (await importGraphQL({ location: upstream.url, source: name })).sdl;
    }
    const folder = loadSchemaFolder('schema');
    graph = await buildGraph(
      {
        sources: [
          ...folder.sources,
          { path: 'listings.graphql', text: imported.listings },
          { path: 'reviews.graphql', text: imported.reviews },
          { path: 'joins.graphql', text: JOINS },
        ],
        composites: [...folder.composites, { path: 'stayReport.graphql', text: STAY_REPORT }, { path: 'reviewDigest.graphql', text: REVIEW_DIGEST }],
      },
      { urls: proxies.urls, onSourceError: 'fail' },
    );
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { fastLane: via === 'lane' } });
  });
  afterAll(async () => {
    await gateway?.close();
    await graph?.close();
    await proxies?.close();
    await demo?.close();
    await listings?.close();
    await reviews?.close();
  });

  it('imports each subgraph with its entities, detected from _service', () => {
    expect(imported.listings).toContain('extend schema @source(name: "listings", kind: GRAPHQL, url: "' + listings.url + '", federation: true)');
    expect(imported.listings).toContain('type Listing @entity(source: "listings", key: "hotelId") {');
    expect(imported.reviews).toContain('type Listing @entity(source: "reviews", key: "hotelId") {');
    expect(imported.reviews).toContain('review(id: ID!): Review @graphql(source: "reviews")');
    expect(imported.reviews.replace(/^#.*$/gm, '')).not.toMatch(/_entities|_service|_Any|@key|@link/);
  });

  it('answers a query across REST, both subgraphs and SOAP with one _entities call per subgraph and type', async () => {
    const answer = await query(/* GraphQL */ `{
      orders(limit: 3) {
        id
        listing {
          title
          hotel { name }
          reviews(first: 1) { rating room { type floor } }
          averageRating
        }
      }
    }`);
    expect(answer.errors).toBeUndefined();
    // Orders 1..3 are at hotels 2..4 (demo data: hotel (n mod 20) + 1); reviews as the subgraph computes them.
    expect(answer.data.orders).toEqual([
      { id: '1', listing: { title: 'Listing 2', hotel: { name: expect.any(String) }, reviews: [{ rating: 3, room: { type: expect.any(String), floor: expect.any(Number) } }], averageRating: 3.5 } },
      { id: '2', listing: { title: 'Listing 3', hotel: { name: expect.any(String) }, reviews: [{ rating: 4, room: { type: expect.any(String), floor: expect.any(Number) } }], averageRating: 4.5 } },
      { id: '3', listing: { title: 'Listing 4', hotel: { name: expect.any(String) }, reviews: [{ rating: 5, room: { type: expect.any(String), floor: expect.any(Number) } }], averageRating: 3 } },
    ]);
    // The three listing lookups went out as one operation, the reviews subgraph got one _entities call for Listing.
    expect(listings.received).toHaveLength(1);
    expect(listings.received[0].query).toMatch(/f0: listing\(hotelId: \$f0_a_hotelId\)[\s\S]*f1: listing[\s\S]*f2: listing/);
    expect(reviews.received).toHaveLength(1);
    expect(reviews.entityCalls()).toHaveLength(1);
    expect(reviews.received[0].variables.representations).toEqual([
      { __typename: 'Listing', hotelId: '2' },
      { __typename: 'Listing', hotelId: '3' },
      { __typename: 'Listing', hotelId: '4' },
    ]);
    expect(reviews.received[0].query).toMatch(/e0: reviews\(first: 1\)[\s\S]*e1: averageRating/);
    // The listings subgraph was asked for its own fields and the hotelId the REST join reads, nothing of the others'.
    expect(listings.received[0].query).not.toMatch(/reviews|averageRating|hotel \{/);
    expect(restCalls('orders')).toBe(1);
    expect(restCalls('rooms')).toBe(1); // three rooms, batched by the demo's @batch on room
  });

  it('fetches the other way round: from a subgraph to the other subgraph and to REST', async () => {
    const answer = await query(`{ review(id: "5b") { text listing { title pricePerNight hotel { id } } } }`);
    expect(answer).toEqual({ data: { review: { text: 'Review b of hotel 5', listing: { title: 'Listing 5', pricePerNight: 150, hotel: { id: '5' } } } } });
    expect(listings.entityCalls()).toHaveLength(1);
    expect(listings.entityCalls()[0].variables.representations).toEqual([{ __typename: 'Listing', hotelId: '5' }]);
    expect(restCalls('hotels')).toBe(1);
  });

  it('answers a supergraph query as Apollo Router would', async () => {
    // The reference, written by hand from the subgraphs' data: listings 1 and 2 come from the
    // listings subgraph (title "Listing n", price 100 + 10n, wifi, and a pool for even n); the
    // reviews subgraph adds two reviews per listing, "<n>a" rated ((n mod 5) + 1) and "<n>b"
    // rated (((n + 1) mod 5) + 1), and their average. A router plans the same two fetches:
    // Query.listings from listings, then Listing { reviews averageRating } from reviews by key.
    const answer = await query(/* GraphQL */ `
      query Supergraph($n: Int!) {
        listings(first: $n) {
          hotelId
          title
          ...Price
          amenities
          reviews { id rating }
          averageRating
        }
      }
      fragment Price on Listing { price: pricePerNight }
    `, { n: 2 });
    expect(answer).toEqual({
      data: {
        listings: [
          { hotelId: '1', title: 'Listing 1', price: 110, amenities: ['wifi'], reviews: [{ id: '1a', rating: 2 }, { id: '1b', rating: 3 }], averageRating: 2.5 },
          { hotelId: '2', title: 'Listing 2', price: 120, amenities: ['wifi', 'pool'], reviews: [{ id: '2a', rating: 3 }, { id: '2b', rating: 4 }], averageRating: 3.5 },
        ],
      },
    });
    expect(listings.received).toHaveLength(1);
    expect(reviews.entityCalls()).toHaveLength(1);
  });

  it('puts a subgraph error at its path and serves the rest', async () => {
    const answer = await query(`{ listing(hotelId: "13") { title averageRating reviews { id } } nowhere: listing(hotelId: "99") { title } }`);
    expect(answer.data).toEqual({ listing: { title: 'Listing 13', averageRating: null, reviews: [{ id: '13a' }, { id: '13b' }] }, nowhere: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'ratings of hotel 13 are being recomputed',
        path: ['listing', 'averageRating'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_GRAPHQL_ERROR', source: 'reviews', upstreamCode: 'RATINGS_BUSY' }),
      }),
    ]);
  });

  it('runs composites whose steps are subgraph fields, with exports both ways', async () => {
    const stay = graph.plans.get('stayReport')!;
    expect(stay.stages).toEqual([['order'], ['listing', 'hotel']]);
    expect(await explainPlan(stay, 'mermaid')).toContain('listing');
    const answer = await query(`{ stayReport(orderId: "7") { order { id } listing { title pricePerNight averageRating } hotel { name } } reviewDigest(reviewId: "9a") { review { text } hotel { name } } }`);
    expect(answer.errors).toBeUndefined();
    // Order 7 is at hotel 8: its listing costs 180, its reviews are rated 4 and 5.
    expect(answer.data.stayReport).toEqual({ order: { id: '7' }, listing: { title: 'Listing 8', pricePerNight: 180, averageRating: 4.5 }, hotel: { name: expect.any(String) } });
    expect(answer.data.reviewDigest).toEqual({ review: { text: 'Review a of hotel 9' }, hotel: { name: expect.any(String) } });
  });
});

describe('bad federation input', () => {
  let listings: GraphQLUpstream;
  let reviews: GraphQLUpstream;
  const imported: Record<string, string> = {};
  beforeAll(async () => {
    [listings, reviews] = await Promise.all([serveGraphQL(listingsSubgraph()), serveGraphQL(reviewsSubgraph())]);
    imported.listings = (await importGraphQL({ location: listings.url, source: 'listings' })).sdl;
    imported.reviews = (await importGraphQL({ location: reviews.url, source: 'reviews' })).sdl;
  });
  afterAll(async () => {
    await listings?.close();
    await reviews?.close();
  });

  it('refuses a key naming a field the type does not have, and an entity of a source that is no subgraph, at file, line and column', async () => {
    const wrongKey = imported.listings.replace('@entity(source: "listings", key: "hotelId")', '@entity(source: "listings", key: "sku")');
    const plain = `extend schema @source(name: "plain", kind: GRAPHQL, url: "${listings.url}")\ntype Thing @entity(source: "plain", key: "id") { id: ID! }\nextend type Query { thing: Thing @graphql(source: "plain") }`;
    const error = await buildGraph({ sources: [{ path: 'listings.graphql', text: wrongKey }, { path: 'plain.graphql', text: plain }], composites: [] }).then(
      () => undefined,
      (e: Error) => e,
    );
    const lines = String(error?.message).split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^listings\.graphql:\d+:\d+: @entity\(source: "listings", key: "sku"\) on Listing: Listing has no field "sku" \(it has: hotelId, title, pricePerNight, amenities\); a key names fields of the type/),
      'plain.graphql:2:12: @entity(source: "plain", key: "id") on Thing: source "plain" is not marked as a federation subgraph; add federation: true to its @source',
    ]);
  });

  it('says which key a subgraph could not resolve, and serves the rest', async () => {
    const graph = await buildGraph({ sources: [{ path: 'listings.graphql', text: imported.listings }, { path: 'reviews.graphql', text: imported.reviews }], composites: [] });
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    try {
      // Review 25a is of hotel 25, which the listings subgraph does not have.
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ gone: review(id: "25a") { text listing { title } } there: review(id: "4a") { text listing { title } } }' }),
      });
      const answer = (await response.json()) as { data: unknown; errors: unknown[] };
      expect(answer.data).toEqual({ gone: null, there: { text: 'Review a of hotel 4', listing: { title: 'Listing 4' } } });
      expect(answer.errors).toEqual([
        expect.objectContaining({
          path: ['gone', 'listing', 'title'],
          message: 'Source "listings" has no Listing with key {"hotelId":"25"} (its _entities answered null for it)',
          extensions: expect.objectContaining({ code: 'UPSTREAM_ENTITY_NOT_FOUND', source: 'listings' }),
        }),
      ]);
    } finally {
      await gateway.close();
      await graph.close();
    }
  });
});
