import type http from 'node:http';
import { useEngine, useSchemaByContext } from '@envelop/core';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from './render-graphiql.js';
import { setPageHeaders } from './console/index.js';
import type { Graph } from '../graph/index.js';
import { RequestBudget, type IncomingRequest, type RequestContext } from '../sources/index.js';
import { createFastLane } from './fast-lane.js';
import { createResultFinisher, isGraphQLError, useFinishResult } from './finish-result.js';
import { readBody, withBody } from './read-body.js';
import type { GatewayPlugin } from './gateway-plugin.js';
import { DEFAULT_SETTINGS, type GatewaySettings } from './gateway-settings.js';
import type { GatewayMetrics } from './metrics.js';
import { trustedRequest, type TrustedCaller } from './trusted-run.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { useDocumentCache } from './use-document-cache.js';
import { useErrorBodies } from './use-error-bodies.js';
import { useErrorMasking } from './use-error-masking.js';
import { useExposePlan } from './use-expose-plan.js';
import { usePersistedOperations } from './use-persisted-operations.js';
import { useRequestBudget } from './use-request-budget.js';
import { useRequestLimits } from './use-request-limits.js';
import { createJwtVerifier, type JwtVerifier } from './auth/jwt-verifier.js';
import { identify, useJwt } from './auth/use-jwt.js';
import { createRateLimits, type RateLimits } from './rate-limits.js';
import { useRateLimit } from './use-rate-limit.js';
import { useResponseCache } from './use-response-cache.js';
import { subscribeWithEventHooks } from './subscription-events.js';
import { createMemoryStore, ResponseCache } from '../cache/index.js';
import { useTracing } from './use-tracing.js';
import { createLogger, type Logger, type Tracing } from '../observe/index.js';

export interface PipelineOptions {
  /** The graph to serve when a request brings none (yoga used on its own, as in tests). */
  readonly graph: () => Graph;
  readonly endpoint?: string;
  /** Limits and security switches; defaults in gateway-settings.ts. */
  readonly settings?: Partial<GatewaySettings>;
  /** Where outcomes and masked errors are counted. */
  readonly metrics?: GatewayMetrics;
  /** Where unexpected errors are logged (with their request id); standard error, JSON lines, by default. */
  readonly logger?: Logger;
  /** The rate limits' counters (the gateway's, in Redis or memory); in memory when not given. */
  readonly rateLimits?: RateLimits;
  /** With `settings.cache`: the gateway's response cache (Redis or memory); in memory when not given. */
  readonly responseCache?: ResponseCache;
  /** Aborted when the gateway begins to shut down: long-lived answers (subscriptions) end then, so draining does not wait for them. */
  readonly stopping?: AbortSignal;
  /** The gateway's tracing, when on: a span per operation (use-tracing.ts). */
  readonly tracing?: Tracing;
}

/** What resolvers receive as context: the incoming request (its headers and abort signal). */
export type GatewayContext = RequestContext;

const GUIDE = `# Welcome to Skein: every field here calls an upstream API (REST or SOAP).
# Open the Docs panel for the fields; a composite's description shows its plan.
# Add the header {"Skein-Expose-Plan": "true"} to see each composite step's timings.
`;

/**
 * What a door other than /graphql asks the pipeline to run: a document of the gateway's own.
 * The one way in for every such run: /api, /soap and /mcp with the HTTP exchange that asked;
 * composite triggers and sync jobs (`RunningGateway.execute`) with no exchange, only the
 * headers they are declared to carry.
 */
export interface TrustedOperation extends TrustedCaller {
  readonly graph: Graph;
  readonly document: DocumentNode;
  readonly variables: Record<string, unknown>;
}

export interface GraphQLPipeline {
  /** The /graphql endpoint as a Node handler, serving the graph the request leased. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, graph: Graph): Promise<void>;
  /**
   * Runs a document the gateway wrote itself (a composite under /api, /soap, /mcp; a
   * triggered composite; a sync job's reads and writes) through the pipeline's context and execution hooks: error masking, plans, and
   * whatever later acts there. Parse and validation hooks (the client's limits) are for
   * documents clients write, so they do not apply.
   */
  execute(operation: TrustedOperation): Promise<ExecutionResult>;
  /**
   * The refusal a request's bearer token earns (401, UNAUTHENTICATED, naming the check),
   * for a door that must answer before any GraphQL runs (/mcp's HTTP layer); undefined
   * when the token passes, when there is none, or when tokens are not checked.
   */
  refuseToken(request: IncomingRequest): Promise<GraphQLError | undefined>;
  /**
   * The pipeline's hooks for one operation that arrives outside an HTTP request (a
   * graphql-ws message on /graphql): parse and validate (the client's limits), the
   * context, execute and subscribe (tokens, rate limits, masking), as over HTTP.
   */
  envelop(operation: SocketOperation): SocketEnveloped;
}

/** One operation of a graphql-ws connection: the upgrade request, the graph it leased, the request its hooks read. */
export interface SocketOperation {
  readonly req: http.IncomingMessage;
  readonly graph: Graph;
  readonly request: IncomingRequest;
  readonly params: { readonly query: string; readonly operationName?: string | null; readonly variables?: Record<string, unknown> | null };
}

export type SocketEnveloped = ReturnType<YogaServerInstance<Record<string, unknown>, Record<string, unknown>>['getEnveloped']>;

/**
 * The one /graphql pipeline. Its plugins (below, in the order they run) are the only
 * place cross-cutting behaviour lives, and its answers end in one finishing step
 * (finish-result.ts). It has two doors: yoga, for every request, and the fast lane
 * (fast-lane.ts) for plain JSON POSTs from programs, which runs the same plugins
 * through yoga's envelop and the same finishing step, without Fetch API objects. The
 * lane refuses to be built with a plugin it cannot honour.
 */
export function createGraphQLPipeline(options: PipelineOptions): GraphQLPipeline {
  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const logger = options.logger ?? createLogger();
  const rateLimits = options.rateLimits ?? createRateLimits({ keyPrefix: settings.redisKeyPrefix, logger });
  const verify = settings.jwt ? createJwtVerifier(settings.jwt) : undefined;
  const responseCache = settings.cache
    ? (options.responseCache ?? new ResponseCache({ store: createMemoryStore(settings.cacheMaxBytes), maxEntryBytes: settings.cacheMaxEntryBytes }))
    : undefined;
  const plugins = pipelinePlugins(settings, options.metrics, logger, rateLimits, verify, responseCache && useResponseCache(responseCache), options.tracing);
  const finish = createResultFinisher(options.metrics, settings);
  // yoga's own HTTP answers: the finishing step for JSON results, JSON bodies for its bare 4xx.
  const yoga = createYogaApp(options, settings, [...plugins, useFinishResult(finish), useErrorBodies()], logger);
  // Persisted-operations mode decides on the request's params in yoga (onParams), so every request takes yoga.
  const lane =
    settings.fastLane && !settings.persistedOperations
      ? createFastLane({ yoga, plugins, finish, logger })
      : undefined;
  return {
    async handle(req, res, graph) {
      // What this HTTP request may spend, every operation of a batch together; its time starts now.
      const budget = new RequestBudget(settings);
      const stopping = options.stopping;
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
        // A browser's visit gets GraphiQL's page: the console's security and cache headers.
        if ((req.headers.accept ?? '').includes('text/html')) setPageHeaders(res);
        return yoga(req, res, { graph, budget, stopping }) as Promise<void>;
      }
      // One body reader and one 413 for both doors.
      const body = await readBody(req, res, settings.maxBodyBytes);
      if (!body) return;
      if (lane?.accepts(req)) return lane.handle(req, res, { graph, budget, stopping }, body);
      await yoga(withBody(req, body), res, { graph, budget, stopping });
    },
    async execute({ req, res, headers, client, graph, document, variables }) {
      const { request, context } = trustedRequest({ req, res, headers, client });
      const budget = new RequestBudget(settings);
      const enveloped = yoga.getEnveloped({ req, res, graph, budget, request, params: { variables }, ...context });
      const contextValue = await enveloped.contextFactory();
      // A refusal (a bad bearer token, a rate limit) is the result, as in /graphql; each door chooses its status from its code.
      return (await enveloped.execute({ schema: enveloped.schema, document, variableValues: variables, contextValue })) as ExecutionResult;
    },
    envelop({ req, graph, request, params }) {
      return yoga.getEnveloped({ req, graph, budget: new RequestBudget(settings), request, params, stopping: options.stopping });
    },
    async refuseToken(request) {
      if (!verify) return undefined;
      try {
        await identify(verify, request);
        return undefined;
      } catch (error) {
        if (isGraphQLError(error)) return error;
        throw error;
      }
    },
  };
}

/** Every plugin of the pipeline, in order. Each behaviour is one plugin in a file of its own. */
function pipelinePlugins(
  settings: GatewaySettings,
  metrics: GatewayMetrics | undefined,
  logger: Logger,
  rateLimits: RateLimits,
  verify: JwtVerifier | undefined,
  responseCache: GatewayPlugin | undefined,
  tracing: Tracing | undefined,
): GatewayPlugin[] {
  const behaviours: GatewayPlugin[] = [
    useDocumentCache(),
    // Only when tracing is on; first to execute, so the operation's span covers every hook after it.
    ...(tracing ? [useTracing(tracing)] : []),
    ...(settings.csrf ? [useCsrfPrevention()] : []),
    ...(settings.persistedOperations ? [usePersistedOperations(settings.persistedOperations)] : []),
    // Only when tokens are checked: without it, no request pays for it.
    ...(verify ? [useJwt(verify)] : []),
    useRequestLimits(settings),
    useRateLimit(rateLimits, settings.rateLimit),
    useRequestBudget(settings),
    // After the token, the rate limit and the cost: a cached answer is held to each of them.
    // Only with --cache: without it, no request pays for it.
    ...(responseCache ? [responseCache] : []),
    useErrorMasking({ logger, onMasked: metrics ? () => void metrics.maskedErrors++ : undefined }),
    useExposePlan(),
  ];
  // graphql-js executes, in both doors: the reference implementation, and faster than
  // yoga's default (graphql-tools' executor, whose @defer and @stream Skein does not offer).
  // A subscription's events each get a context of their own from the plugins (subscription-events.ts).
  const engine = useEngine({ execute, subscribe: subscribeWithEventHooks(behaviours) }) as Omit<GatewayPlugin, 'name'>;
  return [{ name: 'graphql-js', ...engine }, ...behaviours];
}

/** graphql-yoga with the pipeline's plugins, GraphiQL included, over the graph each request leased. */
function createYogaApp(
  options: PipelineOptions,
  settings: GatewaySettings,
  plugins: GatewayPlugin[],
  logger: Logger,
): YogaServerInstance<Record<string, unknown>, Record<string, unknown>> {
  return createYoga<Record<string, unknown>>({
    graphqlEndpoint: options.endpoint ?? '/graphql',
    landingPage: false,
    graphiql: settings.persistedOperations ? false : { title: 'Skein', defaultQuery: settings.graphiqlExample ?? GUIDE },
    renderGraphiQL,
    // yoga logs what it masks outside execution (a failure in parsing the request, say):
    // to the gateway's log, as the lane does, never to the client.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => logger.warn(args.map(logText).join(' ')),
      error: (...args: unknown[]) => logger.error(`unexpected error: ${args.map(logText).join(' ')}`),
    },
    // useDocumentCache keeps parsed and validated documents, bounded by their size.
    parserAndValidationCache: false,
    // Unexpected errors are masked by useErrorMasking (with the request id); yoga masks
    // what fails outside execution, never with stack traces.
    maskedErrors: { isDev: false },
    maxRequestBodySize: settings.maxBodyBytes,
    batching: settings.maxBatch > 0 ? { limit: settings.maxBatch } : false,
    // CORS is the gateway's, one implementation for every public route (cors.ts), not yoga's.
    cors: false,
    plugins: [
      // A request served through the gateway carries the graph it leased (server context
      // `graph`), so a reload during the request does not change the schema under it.
      useSchemaByContext((context) => ((context as { graph?: Graph } | undefined)?.graph ?? options.graph()).schema),
      ...plugins,
    ],
  });
}

function logText(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : typeof value === 'string' ? value : JSON.stringify(value);
}
