import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from './render-graphiql.js';
import type { Graph } from '../graph/index.js';
import type { RequestContext } from '../sources/index.js';
import { DEFAULT_SETTINGS, type GatewaySettings } from './gateway-settings.js';
import type { GatewayMetrics } from './metrics.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { useErrorMasking } from './use-error-masking.js';
import { useExposePlan } from './use-expose-plan.js';
import { usePersistedOperations } from './use-persisted-operations.js';
import { useRequestId } from './use-request-id.js';
import { useRequestLimits } from './use-request-limits.js';
import { useRequestMetrics } from './use-request-metrics.js';

export interface GraphQLAppOptions {
  /** The graph to serve; read per request, so a reload applies to the next request. */
  readonly graph: () => Graph;
  readonly endpoint?: string;
  /** Limits and security switches; defaults in gateway-settings.ts. */
  readonly settings?: Partial<GatewaySettings>;
  /** Where outcomes and masked errors are counted. */
  readonly metrics?: GatewayMetrics;
  /** Where unexpected errors are logged (with their request id); console.error by default. */
  readonly log?: (line: string) => void;
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

/**
 * The public GraphQL endpoint: graphql-yoga over the current graph, GraphiQL included.
 * Cross-cutting behaviour is in plugins, one per file: request ids, error masking,
 * request limits, persisted operations, CSRF prevention, metrics, plan exposure.
 */
export function createGraphQLApp(options: GraphQLAppOptions): YogaServerInstance<Record<string, unknown>, GatewayContext> {
  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const metrics = options.metrics;
  return createYoga<Record<string, unknown>, GatewayContext>({
    // A request served through the gateway carries the graph it leased (server context
    // `graph`), so a reload during the request does not change the schema under it.
    schema: (context) => ((context as { graph?: Graph }).graph ?? options.graph()).schema,
    graphqlEndpoint: options.endpoint ?? '/graphql',
    landingPage: false,
    graphiql: settings.persistedOperations ? false : { title: 'Skein', defaultQuery: EXAMPLE_QUERY },
    renderGraphiQL,
    context: ({ request }) => ({ signal: request.signal }),
    logging: false,
    // Unexpected errors are masked by useErrorMasking (with the request id); yoga masks
    // what fails outside execution, never with stack traces.
    maskedErrors: { isDev: false },
    maxRequestBodySize: settings.maxBodyBytes,
    batching: settings.maxBatch > 0 ? { limit: settings.maxBatch } : false,
    cors:
      settings.corsOrigins.length === 0
        ? false
        : { origin: settings.corsOrigins.includes('*') ? '*' : [...settings.corsOrigins], credentials: !settings.corsOrigins.includes('*') },
    plugins: [
      useRequestId(),
      ...(settings.csrf ? [useCsrfPrevention()] : []),
      ...(settings.persistedOperations ? [usePersistedOperations(settings.persistedOperations)] : []),
      useRequestLimits(settings),
      useErrorMasking({ log: options.log, onMasked: metrics ? () => void metrics.maskedErrors++ : undefined }),
      ...(metrics ? [useRequestMetrics(metrics)] : []),
      useExposePlan(),
    ],
  });
}
