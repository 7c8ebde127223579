import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type ExecutionArgs } from 'graphql';
import { createPubSub, createYoga, Repeater } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/** A review as the live subgraph publishes it. */
export interface LiveReview {
  id: string;
  hotelId: string;
  rating: number;
  text: string;
}

/**
 * A federation subgraph with subscriptions, served by graphql-yoga on node:http: SSE (yoga's
 * own, distinct connections) and graphql-ws (`useServer` on a `ws` server on the same port,
 * through yoga's envelop, as yoga's docs show). It counts the subscriptions open on it and
 * records the headers and connection_init payloads it was sent.
 */
export interface LiveUpstream {
  /** http://…/graphql (SSE and queries); its ws:// form is the graphql-ws endpoint. */
  readonly url: string;
  /** Subscriptions running on the upstream now (both transports). */
  open(): number;
  /** Publishes a review to `reviewAdded` subscribers. */
  publish(review: LiveReview): void;
  /** Ends every `reviewAdded` stream from the server side (the upstream completes). */
  completeAll(): void;
  /** Headers of each WebSocket handshake and each SSE subscription request, lower-case. */
  readonly handshakes: Record<string, string | string[] | undefined>[];
  readonly sseRequests: Record<string, string | string[] | undefined>[];
  readonly connectionParams: Record<string, unknown>[];
  /** Subscription documents received over either transport. */
  readonly documents: string[];
  /** Drops every connection (sockets and SSE responses) without a word: the upstream going away mid-stream. */
  dropConnections(): void;
  close(): Promise<void>;
}

export function liveReviewsSubgraph(upstream: { open: number; pubsub: ReturnType<typeof createPubSub<{ review: [LiveReview]; end: [] }>> }) {
  return buildSubgraphSchema([{
    typeDefs: parse(/* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

      type Review @key(fields: "id") {
        id: ID!
        rating: Int!
        text: String!
        "Fails for a rating of 1, at this path."
        moderated: String
        listing: Listing!
      }

      type Listing @key(fields: "hotelId") {
        hotelId: ID!
      }

      type Query {
        liveReview(id: ID!): Review
      }

      type Subscription {
        "Reviews as they are written, of one hotel or of all."
        reviewAdded(hotelId: ID): Review!
        "Refused by the upstream before it starts."
        forbidden: Int
      }
    `),
    resolvers: {
      Query: { liveReview: () => null },
      Review: {
        __resolveReference: () => null,
        listing: (review: LiveReview) => ({ hotelId: review.hotelId }),
        moderated: (review: LiveReview) => {
          if (review.rating === 1) throw new GraphQLError(`review ${review.id} is held for moderation`, { extensions: { code: 'HELD' } });
          return 'published';
        },
      },
      Listing: {
        __resolveReference: ({ hotelId }: { hotelId: string }) => ({ hotelId }),
      },
      Subscription: {
        reviewAdded: {
          subscribe: (_: unknown, { hotelId }: { hotelId?: string }) =>
            new Repeater<LiveReview>(async (push, stop) => {
              upstream.open++;
              const reviews = upstream.pubsub.subscribe('review');
              const ends = upstream.pubsub.subscribe('end');
              void (async () => {
                for await (const review of reviews) if (!hotelId || review.hotelId === hotelId) await push(review);
              })();
              void (async () => {
                for await (const _ of ends) stop();
              })();
              await stop;
              upstream.open--;
              await reviews.return?.();
              await ends.return?.();
            }),
          resolve: (review: LiveReview) => review,
        },
        forbidden: {
          subscribe: () => {
            throw new GraphQLError('you may not watch this', { extensions: { code: 'FORBIDDEN' } });
          },
        },
      },
    } as never,
  }]);
}

interface Enveloped {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

export async function serveLiveReviews(): Promise<LiveUpstream> {
  const state = { open: 0, pubsub: createPubSub<{ review: [LiveReview]; end: [] }>() };
  const schema = liveReviewsSubgraph(state);
  const sseRequests: LiveUpstream['sseRequests'] = [];
  const handshakes: LiveUpstream['handshakes'] = [];
  const connectionParams: Record<string, unknown>[] = [];
  const documents: string[] = [];
  const yoga = createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    maskedErrors: false,
    plugins: [{ onParams: ({ params }: { params: { query?: string } }) => void documents.push(params.query ?? '') }],
  });
  const server = http.createServer((req, res) => {
    if (req.headers.accept?.includes('text/event-stream')) sseRequests.push({ ...req.headers });
    void yoga(req, res);
  });
  const sockets = new WebSocketServer({ server, path: '/graphql' });
  sockets.on('connection', (_socket, req) => handshakes.push({ ...req.headers }));
  useServer(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args: ExecutionArgs) => (args.rootValue as Enveloped).subscribe(args) as never,
      onConnect: (ctx) => {
        connectionParams.push({ ...(ctx.connectionParams ?? {}) });
        return true;
      },
      onSubscribe: async (ctx, _id, params) => {
        documents.push(params.query);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const args = { schema, operationName: params.operationName, document: parse(params.query), variableValues: params.variables, contextValue: await contextFactory(), rootValue: { execute, subscribe } };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    sockets,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    open: () => state.open,
    publish: (review) => state.pubsub.publish('review', review),
    completeAll: () => state.pubsub.publish('end'),
    handshakes,
    sseRequests,
    connectionParams,
    documents,
    dropConnections() {
      for (const socket of sockets.clients) socket.terminate();
      server.closeAllConnections();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets.clients) socket.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
