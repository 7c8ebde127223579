import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/errors/schema-error.js';
import { importGraphQL } from '../../src/sources/graphql/importer/import-graphql.js';
import { until } from '../helpers/brokers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { loggerTo } from '../helpers/log-capture.js';
import { subscribeOverSse, subscribeOverWebSocket, type SubscriptionReader } from '../helpers/subscription-clients.js';
import { serveLiveReviews, type LiveUpstream } from './subscription-upstream.js';
import { listingsSubgraph, serveGraphQL, type GraphQLUpstream } from './upstreams.js';

// A federation subgraph with a Subscription type (graphql-yoga: SSE, and graphql-ws through
// `useServer`), imported as a user would, beside the listings subgraph. Its Subscription field
// is forwarded over graphql-ws or SSE (`subscriptionProtocol`), with the source's headers
// (here from the caller's token); clients subscribe to Skein over SSE and graphql-ws. The
// upstream counts the subscriptions open on it, so the tests see them end.

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const token = () =>
  new SignJWT({ tenant: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setSubject('user-7').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

const REVIEWS_OF_7 = /* GraphQL */ `
  subscription ($hotel: ID) {
    hotel7: reviewAdded(hotelId: $hotel) { id stars: rating text moderated listing { title pricePerNight } }
  }
`;

/** The imported SDL with the source's subscription transport, and a header from the caller's token. */
function withTransport(sdl: string, protocol: 'WS' | 'SSE', url?: string): string {
  return sdl.replace(/@source\(name: "live", kind: GRAPHQL, url: "([^"]+)"/, (_, original: string) =>
    `@source(name: "live", kind: GRAPHQL, url: "${url ?? original}", subscriptionProtocol: ${protocol}, headers: [{ name: "X-Tenant", value: "{jwt.claims.tenant}" }]`,
  );
}

let live: LiveUpstream;
let listings: GraphQLUpstream;
let liveSdl: string;
let listingsSdl: string;

beforeAll(async () => {
  [live, listings] = await Promise.all([serveLiveReviews(), serveGraphQL(listingsSubgraph())]);
  liveSdl = (await importGraphQL({ location: live.url, source: 'live' })).sdl;
  listingsSdl = (await importGraphQL({ location: listings.url, source: 'listings' })).sdl;
});
afterAll(async () => {
  await live?.close();
  await listings?.close();
});

it('imports the Subscription fields of a GraphQL API', () => {
  expect(liveSdl).toContain('extend type Subscription {');
  expect(liveSdl).toContain('reviewAdded(hotelId: ID): Review! @graphql(source: "live")');
  expect(liveSdl).not.toContain('subscriptions are not forwarded');
});

describe.each(['WS', 'SSE'] as const)('a GraphQL source forwarding subscriptions over %s', (protocol) => {
  let gateway: TestGateway;
  const readers: SubscriptionReader[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(
      { sources: { 'live.graphql': withTransport(liveSdl, protocol), 'listings.graphql': listingsSdl } },
      {},
      { logger: loggerTo(), settings: { jwt: { secret: SECRET } } },
    );
  });
  // Each test's subscriptions end with it, so one that fails leaves nothing open for the next.
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
    await until(() => live.open() === 0);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('forwards the selection, delivers each event with entity fields of another subgraph and errors at their paths, and ends the upstream subscription with the client (SSE client)', async () => {
    listings.received.length = 0;
    const reader = await subscribeOverSse(gateway.url, REVIEWS_OF_7, { hotel: '7' }, { authorization: `Bearer ${await token()}` });
    readers.push(reader);
    expect(reader.status).toBe(200);
    await until(() => live.open() === 1);
    // Only what was asked (the alias kept, the variable forwarded), and the key the listings subgraph needs.
    const sent = live.documents.at(-1)!;
    expect(sent).toMatch(/^subscription Skein_Subscription_reviewAdded\(\$a_hotelId: ID\)/);
    expect(sent).toContain('stars: rating');
    expect(sent).toMatch(/listing \{\s*_skein_hotelId: hotelId\s*\}/);
    expect(sent).not.toContain('title');
    // The source's headers reached the upstream: on the handshake and in connection_init (WS), on the request (SSE).
    if (protocol === 'WS') {
      expect(live.handshakes.at(-1)!['x-tenant']).toBe('acme');
      expect(live.connectionParams.at(-1)).toMatchObject({ 'x-tenant': 'acme' });
    } else {
      expect(live.sseRequests.at(-1)!['x-tenant']).toBe('acme');
    }

    live.publish({ id: '7a', hotelId: '7', rating: 4, text: 'quiet rooms' });
    live.publish({ id: '3a', hotelId: '3', rating: 5, text: 'not for this subscriber' });
    live.publish({ id: '7b', hotelId: '7', rating: 1, text: 'cold water' });
    expect(await reader.next()).toEqual({
      data: { hotel7: { id: '7a', stars: 4, text: 'quiet rooms', moderated: 'published', listing: { title: 'Listing 7', pricePerNight: 170 } } },
    });
    const held = await reader.next();
    expect(held.data).toEqual({ hotel7: { id: '7b', stars: 1, text: 'cold water', moderated: null, listing: { title: 'Listing 7', pricePerNight: 170 } } });
    expect(held.errors).toEqual([
      expect.objectContaining({
        message: 'review 7b is held for moderation',
        path: ['hotel7', 'moderated'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_GRAPHQL_ERROR', source: 'live', upstreamCode: 'HELD' }),
      }),
    ]);
    // Each event's entity fields were fetched for that event, not answered from the first one's.
    expect(listings.entityCalls()).toHaveLength(2);

    await reader.close();
    await until(() => live.open() === 0);
  });

  it('completes the client when the upstream completes, and ends the upstream when a graphql-ws client unsubscribes', async () => {
    const first = await subscribeOverWebSocket(gateway.url, 'subscription { reviewAdded { id } }');
    readers.push(first);
    await until(() => live.open() === 1);
    live.publish({ id: '1a', hotelId: '1', rating: 3, text: 'fine' });
    expect(await first.next()).toEqual({ data: { reviewAdded: { id: '1a' } } });
    live.completeAll();
    expect(await first.next()).toEqual({ complete: true });
    await until(() => live.open() === 0);

    const second = await subscribeOverWebSocket(gateway.url, 'subscription { reviewAdded { id } }');
    readers.push(second);
    await until(() => live.open() === 1);
    await second.close();
    await until(() => live.open() === 0);
  });

  it('answers a subscription the upstream refuses with its error, naming the source', async () => {
    const reader = await subscribeOverSse(gateway.url, 'subscription { forbidden }');
    readers.push(reader);
    const refused = await reader.next();
    expect(refused.data).toEqual({ forbidden: null });
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: 'you may not watch this',
        path: ['forbidden'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_GRAPHQL_ERROR', source: 'live', upstreamCode: 'FORBIDDEN' }),
      }),
    ]);
    expect(await reader.next()).toEqual({ complete: true });
    expect(live.open()).toBe(0);
  });

  it('sends an error event naming the source when the upstream goes away mid-stream, and keeps serving', async () => {
    const reader = await subscribeOverWebSocket(gateway.url, 'subscription { reviewAdded { id } }');
    readers.push(reader);
    await until(() => live.open() === 1);
    live.dropConnections();
    const dropped = await reader.next();
    expect(dropped.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Upstream "live" (closed|failed) Subscription\.reviewAdded mid-stream/),
        path: ['reviewAdded'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNREACHABLE', source: 'live' }),
      }),
    ]);
    expect(await reader.next()).toEqual({ complete: true });
    await until(() => live.open() === 0);
    const answer = await gateway.query('{ listing(hotelId: "2") { title } }');
    expect(answer.data).toEqual({ listing: { title: 'Listing 2' } });
  });
});

describe('a GraphQL source whose subscription endpoint cannot be reached', () => {
  let gateway: TestGateway;
  let deadUrl: string;

  beforeAll(async () => {
    // A port that was just free: nothing listens there any more.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/graphql`;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each(['WS', 'SSE'] as const)('answers a clear error naming the source over %s, and the rest of the gateway serves', async (protocol) => {
    gateway = await startTestGateway({ sources: { 'live.graphql': withTransport(liveSdl, protocol, deadUrl), 'listings.graphql': listingsSdl } }, {}, { logger: loggerTo() });
    try {
      const reader = await subscribeOverSse(gateway.url, 'subscription { reviewAdded { id } }');
      const answer = await reader.next();
      await reader.close();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Upstream "live" (could not be reached for|refused) Subscription\.reviewAdded/),
          extensions: expect.objectContaining({ code: 'UPSTREAM_UNREACHABLE', source: 'live' }),
        }),
      ]);
      expect((await gateway.query('{ listing(hotelId: "3") { title } }')).data).toEqual({ listing: { title: 'Listing 3' } });
    } finally {
      await gateway.close();
    }
  });
});

describe('subscription settings that cannot work', () => {
  it('refuses a subscriptionUrl of the wrong scheme and operation: on a Subscription field, at the file and line', async () => {
    const sdl = /* GraphQL */ `extend schema @source(name: "feed", kind: GRAPHQL, url: "http://127.0.0.1:9/graphql", subscriptionProtocol: SSE, subscriptionUrl: "ws://127.0.0.1:9/graphql")
type Query { ping: Int @graphql(source: "feed") }
type Subscription {
  ticks: Int @graphql(source: "feed", operation: QUERY)
}
`;
    const misplaced = await startTestGateway({ sources: { 'feed.graphql': sdl } }).catch((error: SchemaError) => error);
    expect(misplaced).toBeInstanceOf(SchemaError);
    expect((misplaced as SchemaError).format()).toMatch(
      /^feed\.graphql:4:\d+: @graphql on Subscription\.ticks: operation: moves a Query or Mutation field between roots; a Subscription field is always forwarded as a subscription, so leave it out$/,
    );
    const wrongScheme = await startTestGateway({ sources: { 'feed.graphql': sdl.replace(', operation: QUERY', '') } }).catch((error: SchemaError) => error);
    expect(wrongScheme).toBeInstanceOf(SchemaError);
    expect((wrongScheme as SchemaError).format()).toMatch(
      /^feed\.graphql:1:\d+: source "feed": subscriptionUrl "ws:\/\/127\.0\.0\.1:9\/graphql" has scheme ws:, but subscriptionProtocol SSE needs http:\/\/ or https:\/\/$/,
    );
  });
});
