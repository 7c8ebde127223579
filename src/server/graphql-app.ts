import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from './render-graphiql.js';
import type { Graph } from '../graph/index.js';
import type { RequestContext } from '../sources/index.js';
import { useExposePlan } from './use-expose-plan.js';

export interface GraphQLAppOptions {
  /** The graph to serve; read per request, so a reload applies to the next request. */
  readonly graph: () => Graph;
  readonly endpoint?: string;
}

/** What resolvers receive as context: the incoming request and its abort signal. */
export type GatewayContext = RequestContext;

const EXAMPLE_QUERY = /* GraphQL */ `# Welcome to Skein. Every field below calls an upstream API.
{
  order(id: "1") {
    id
    userId
    hotelId
    total
  }
  user(id: "8") {
    name
    age
    gender
  }
  hotel(id: "2") {
    name
    stars
    address
  }
}
`;

/** The public GraphQL endpoint: graphql-yoga over the current graph, GraphiQL included. */
export function createGraphQLApp(options: GraphQLAppOptions): YogaServerInstance<Record<string, unknown>, GatewayContext> {
  return createYoga<Record<string, unknown>, GatewayContext>({
    // A request served through the gateway carries the graph it leased (server context
    // `graph`), so a reload during the request does not change the schema under it.
    schema: (context) => ((context as { graph?: Graph }).graph ?? options.graph()).schema,
    graphqlEndpoint: options.endpoint ?? '/graphql',
    landingPage: false,
    graphiql: { title: 'Skein', defaultQuery: EXAMPLE_QUERY },
    renderGraphiQL,
    context: ({ request }) => ({ signal: request.signal }),
    logging: false,
    plugins: [useExposePlan()],
  });
}
