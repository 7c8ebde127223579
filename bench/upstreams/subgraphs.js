// The federation subgraphs of the graphql scenario, each a child process: @apollo/subgraph
// schemas served by graphql-yoga on node:http (the same stack as test/graphql-sources).
//   listings: type Listing @key(fields: "hotelId") { hotelId title pricePerNight }, Query.listing, Query.listings
//   reviews:  extends Listing with reviews and averageRating (resolved through _entities)
//   GET /_stats   {"hits": n, "entities": n}: operations received, and how many of them were _entities
//   POST /_stats  zeroes the counters
// env: SUBGRAPH (listings | reviews), SUBGRAPH_PORT, UPSTREAM_DELAY_MS (0).
import http from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

const NAME = process.env.SUBGRAPH;
const PORT = Number(process.env.SUBGRAPH_PORT);
const DELAY = Number(process.env.UPSTREAM_DELAY_MS || 0);

export const listing = (hotelId) => ({ hotelId: String(hotelId), title: `Listing ${hotelId}`, pricePerNight: 100 + Number(hotelId) * 10 });
export const reviewsOf = (hotelId) => [1, 2].map((i) => ({ id: `${hotelId}-${i}`, rating: ((Number(hotelId) + i) % 5) + 1 }));

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const modules = {
  listings: {
    typeDefs: parse(`${LINK}
      type Listing @key(fields: "hotelId") { hotelId: ID! title: String! pricePerNight: Int! }
      type Query { listing(hotelId: ID!): Listing listings(first: Int = 5): [Listing!]! }`),
    resolvers: {
      Query: { listing: (_, { hotelId }) => listing(hotelId), listings: (_, { first }) => Array.from({ length: first }, (_, i) => listing(i + 1)) },
      Listing: { __resolveReference: ({ hotelId }) => listing(hotelId) },
    },
  },
  reviews: {
    typeDefs: parse(`${LINK}
      type Review { id: ID! rating: Int! }
      type Listing @key(fields: "hotelId") { hotelId: ID! reviews: [Review!]! averageRating: Float! }
      type Query { review(id: ID!): Review }`),
    resolvers: {
      Query: { review: (_, { id }) => reviewsOf(id.split('-')[0]).find((r) => r.id === id) ?? null },
      Listing: {
        __resolveReference: ({ hotelId }) => ({ hotelId }),
        reviews: ({ hotelId }) => reviewsOf(hotelId),
        averageRating: ({ hotelId }) => reviewsOf(hotelId).reduce((sum, r) => sum + r.rating, 0) / 2,
      },
    },
  },
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  if (!modules[NAME]) throw new Error(`SUBGRAPH must be listings or reviews, not "${NAME}"`);
  let hits = 0;
  let entities = 0;
  const yoga = createYoga({
    schema: buildSubgraphSchema([modules[NAME]]),
    logging: false,
    graphiql: false,
    plugins: [
      {
        onParams({ params }) {
          hits++;
          if (params.query?.includes('_entities')) entities++;
        },
      },
      ...(DELAY > 0 ? [{ onExecute: () => new Promise((resolve) => setTimeout(resolve, DELAY)) }] : []),
    ],
  });
  http
    .createServer((req, res) => {
      if (req.url === '/_stats') {
        const body = JSON.stringify({ hits, entities });
        if (req.method === 'POST') hits = entities = 0;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      yoga(req, res);
    })
    .listen(PORT, '127.0.0.1');
}
