import type http from 'node:http';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from './render-graphiql.js';
import type { Graph } from '../graph/index.js';
import type { RequestContext } from '../sources/index.js';
import { createFastLane } from './fast-lane.js';
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

const GUIDE = `# Welcome to Skein: every field here calls an upstream API (REST or SOAP).
# Open the Docs panel for the fields; a composite's description shows its plan.
# Add the header {"Skein-Expose-Plan": "true"} to see each composite step's timings.
`;

/** The /graphql endpoint as a Node handler: the fast lane where it applies, yoga for the rest. */
export type GraphQLEndpoint = (req: http.IncomingMessage, res: http.ServerResponse, graph: Graph) => Promise<void>;

/**
 * /graphql for the gateway: plain JSON POSTs from programs take the fast lane (see
 * fast-lane.ts), which runs the same execution plugins as yoga; everything else is yoga.
 */
export function createGraphQLEndpoint(options: GraphQLAppOptions): GraphQLEndpoint {
  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const plugins = executionPlugins(options, settings);
  const yoga = createYogaApp(options, settings, plugins);
  const viaYoga = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, graph: Graph) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, body }, { graph });
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': payload.length });
    res.end(payload);
  };
  // Persisted-operations mode checks every request in yoga, so the lane stays closed.
  const lane = settings.persistedOperations || !settings.fastLane
    ? undefined
    : createFastLane({ plugins, maxBodyBytes: settings.maxBodyBytes, metrics: options.metrics, fallback: viaYoga });
  return async (req, res, graph) => {
    if (lane?.accepts(req)) return lane.handle(req, res, graph);
    await yoga(req, res, { graph });
  };
}

/** The plugins that act inside parse, validate and execute: shared by yoga and the fast lane. */
function executionPlugins(options: GraphQLAppOptions, settings: GatewaySettings): Plugin[] {
  const metrics = options.metrics;
  return [
    useRequestLimits(settings),
    useErrorMasking({ log: options.log, onMasked: metrics ? () => void metrics.maskedErrors++ : undefined }),
    useExposePlan(),
  ];
}

/**
 * graphql-yoga over the current graph, GraphiQL included. Cross-cutting behaviour is in
 * plugins, one per file: request ids, error masking, request limits, persisted
 * operations, CSRF prevention, metrics, plan exposure.
 */
function createYogaApp(
  options: GraphQLAppOptions,
  settings: GatewaySettings,
  execution: Plugin[],
): YogaServerInstance<Record<string, unknown>, GatewayContext> {
  const metrics = options.metrics;
  return createYoga<Record<string, unknown>, GatewayContext>({
    // A request served through the gateway carries the graph it leased (server context
    // `graph`), so a reload during the request does not change the schema under it.
    schema: (context) => ((context as { graph?: Graph }).graph ?? options.graph()).schema,
    graphqlEndpoint: options.endpoint ?? '/graphql',
    landingPage: false,
    graphiql: settings.persistedOperations ? false : { title: 'Skein', defaultQuery: settings.graphiqlExample ?? GUIDE },
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
      ...execution,
      ...(metrics ? [useRequestMetrics(metrics)] : []),
    ],
  });
}
