import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';

/** One GraphQL request as the upstream received it. */
export interface ReceivedOperation {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly operationName?: string;
}

/** A real GraphQL server on loopback that records every operation it receives. */
export interface GraphQLUpstream {
  readonly url: string;
  readonly received: ReceivedOperation[];
  /** Operations whose document selects `_entities`. */
  entityCalls(): ReceivedOperation[];
  close(): Promise<void>;
}

/** Serves a schema with graphql-yoga on node:http, port 0. */
export async function serveGraphQL(schema: GraphQLSchema, options: { introspection?: boolean } = {}): Promise<GraphQLUpstream> {
  const received: ReceivedOperation[] = [];
  const yoga = createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    maskedErrors: false,
    plugins: [
      {
        onParams({ params }: { params: { query?: string; variables?: Record<string, unknown>; operationName?: string } }) {
          received.push({ query: params.query ?? '', variables: params.variables ?? {}, operationName: params.operationName });
        },
      },
      ...(options.introspection === false
        ? [
            {
              onValidate({ addValidationRule }: { addValidationRule: (rule: unknown) => void }) {
                addValidationRule((context: { reportError(e: GraphQLError): void }) => ({
                  Field(node: { name: { value: string } }) {
                    if (node.name.value === '__schema' || node.name.value === '__type') {
                      context.reportError(new GraphQLError('GraphQL introspection is not allowed'));
                    }
                  },
                }));
              },
            },
          ]
        : []),
    ],
  });
  const server = http.createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    received,
    entityCalls: () => received.filter((r) => /_entities/.test(r.query)),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ---- The listings subgraph: hotels' listings, an entity keyed by hotelId (the demo's hotel ids 1..20).

export interface Listing {
  hotelId: string;
  title: string;
  pricePerNight: number;
  amenities: string[];
}

export function listing(hotelId: string): Listing | undefined {
  const n = Number(hotelId);
  if (!Number.isInteger(n) || n < 1 || n > 20) return undefined;
  return { hotelId: String(n), title: `Listing ${n}`, pricePerNight: 100 + n * 10, amenities: n % 2 === 0 ? ['wifi', 'pool'] : ['wifi'] };
}

export function listingsSubgraph(): GraphQLSchema {
  return buildSubgraphSchema([{
    typeDefs: parse(/* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

      "A hotel's listing on the booking site."
      type Listing @key(fields: "hotelId") {
        hotelId: ID!
        title: String!
        pricePerNight: Int!
        amenities: [String!]!
      }

      type Query {
        listing(hotelId: ID!): Listing
        listings(first: Int = 3): [Listing!]!
      }
    `),
    resolvers: {
      Query: {
        listing: (_: unknown, { hotelId }: { hotelId: string }) => listing(hotelId) ?? null,
        listings: (_: unknown, { first }: { first: number }) => Array.from({ length: first }, (_, i) => listing(String(i + 1))!),
      },
      Listing: {
        __resolveReference: ({ hotelId }: { hotelId: string }) => listing(hotelId) ?? null,
      },
    } as never,
  }]);
}

// ---- The reviews subgraph: reviews of listings; extends Listing with reviews and a rating.

export interface Review {
  id: string;
  hotelId: string;
  rating: number;
  text: string;
  roomId: string;
}

/** Two reviews per hotel: `<hotel>a` and `<hotel>b`, about the demo's rooms 11, 21, …. */
export function reviewsOf(hotelId: string): Review[] {
  const n = Number(hotelId);
  return ['a', 'b'].map((suffix, i) => ({
    id: `${n}${suffix}`,
    hotelId: String(n),
    rating: ((n + i) % 5) + 1,
    text: `Review ${suffix} of hotel ${n}`,
    roomId: String(10 * (n + i) + 1),
  }));
}

/** Hotel 13's rating service is down: averageRating fails there, at its path. */
export const FAILING_RATING_HOTEL = '13';

export function reviewsSubgraph(): GraphQLSchema {
  return buildSubgraphSchema([{
    typeDefs: parse(/* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

      type Review @key(fields: "id") {
        id: ID!
        rating: Int!
        text: String!
        roomId: ID!
        listing: Listing!
      }

      type Listing @key(fields: "hotelId") {
        hotelId: ID!
        reviews(first: Int): [Review!]!
        averageRating: Float
      }

      type Query {
        review(id: ID!): Review
      }
    `),
    resolvers: {
      Query: {
        review: (_: unknown, { id }: { id: string }) => reviewsOf(id.slice(0, -1)).find((r) => r.id === id) ?? null,
      },
      Review: {
        __resolveReference: ({ id }: { id: string }) => reviewsOf(id.slice(0, -1)).find((r) => r.id === id) ?? null,
        listing: (review: Review) => ({ hotelId: review.hotelId }),
      },
      Listing: {
        __resolveReference: ({ hotelId }: { hotelId: string }) => ({ hotelId }),
        reviews: ({ hotelId }: { hotelId: string }, { first }: { first?: number }) => reviewsOf(hotelId).slice(0, first ?? undefined),
        averageRating: ({ hotelId }: { hotelId: string }) => {
          if (hotelId === FAILING_RATING_HOTEL) throw new GraphQLError(`ratings of hotel ${hotelId} are being recomputed`, { extensions: { code: 'RATINGS_BUSY' } });
          const reviews = reviewsOf(hotelId);
          return reviews.reduce((sum, r) => sum + r.rating, 0) / reviews.length;
        },
      },
    } as never,
  }]);
}

// ---- A plain GraphQL API (not a subgraph): weather, with an interface, arguments and errors.

export function weatherApi(): GraphQLSchema {
  return createSchema({
    typeDefs: /* GraphQL */ `
      interface Reading { city: String! }
      type Forecast implements Reading { city: String! days(count: Int = 2): [Day!]! }
      type Alert implements Reading { city: String! level: Int! message: String! }
      type Day { day: Int! celsius: Float! summary: String }
      enum Unit { CELSIUS FAHRENHEIT }
      input Place { city: String! country: String }
      type Query {
        forecast(place: Place!, unit: Unit = CELSIUS): Forecast
        readings(cities: [String!]!): [Reading!]!
        broken: String
        hello: String
      }
      type Mutation { report(city: String!, celsius: Float!): Day! }
    `,
    resolvers: {
      Reading: { __resolveType: (r: { level?: number }) => (r.level !== undefined ? 'Alert' : 'Forecast') },
      Forecast: {
        days: (f: { city: string; unit: string }, { count }: { count: number }) =>
          Array.from({ length: count }, (_, i) => ({ day: i + 1, celsius: f.unit === 'FAHRENHEIT' ? 50 + i : 10 + i, summary: i === 1 && f.city === 'Bergen' ? null : `day ${i + 1} in ${f.city}` })),
      },
      Day: {
        summary: (d: { summary: string | null }) => {
          if (d.summary === null) throw new GraphQLError('no summary for Bergen on day 2', { extensions: { code: 'NO_SUMMARY' } });
          return d.summary;
        },
      },
      Query: {
        forecast: (_: unknown, { place, unit }: { place: { city: string }; unit: string }) => ({ city: place.city, unit }),
        readings: (_: unknown, { cities }: { cities: string[] }) =>
          cities.map((city, i) => (i % 2 === 1 ? { city, level: 2, message: `wind in ${city}` } : { city, unit: 'CELSIUS' })),
        hello: () => 'world',
        broken: () => {
          throw new GraphQLError('the broken field is broken');
        },
      },
      Mutation: {
        report: (_: unknown, { celsius }: { celsius: number }) => ({ day: 0, celsius, summary: 'reported' }),
      },
    },
  });
}
