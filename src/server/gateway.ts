import http from 'node:http';
import { Socket } from 'node:net';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Graph } from '../graph/index.js';
import { ADMIN_ENDPOINT, createAdminHandler, type AdminHandler, type AdminOptions } from './admin/index.js';
import { CAPABILITIES_PREFIX, createCapabilitiesHandler } from './capabilities/index.js';
import { createCors } from './cors.js';
import { DEFAULT_SETTINGS, type GatewaySettings } from './gateway-settings.js';
import { createGraphQLPipeline } from './pipeline.js';
import { createRateLimits } from './rate-limits.js';
import { createMemoryStore, createRedisStore, ResponseCache } from '../cache/index.js';
import { createHealthHandlers, HEALTH_PATH, READY_PATH, type ReadinessCheck } from './health.js';
import { startHttpServer, type Route, type RouteHandler, type RunningHttpServer } from './http-server.js';
import { createSoapHandler, SOAP_PREFIX } from './soap/index.js';
import { GatewayMetrics } from './metrics.js';
import { createMcpHandler, MCP_PATH } from './mcp/index.js';
import { CONSOLE_PATH, createConsoleHandler } from './console/index.js';
import { skeinVersion } from '../version.js';
import type { SyncService } from '../sync/index.js';
import { createSyncWebhookHandler, SYNC_WEBHOOK_PREFIX } from './sync-webhook.js';
import { createGraphQLWsDoor } from './graphql-ws.js';
import { startTriggers } from './triggers/index.js';
import { eventSourceReadiness } from './event-source-readiness.js';
import { createLogger, startTracing, traceRequests, type Logger } from '../observe/index.js';

export const METRICS_PATH = '/metrics';

/**
 * A graph that can change while the gateway runs (the registry's). Each request leases
 * the current graph and keeps it to its end; the old graph is closed once released.
 */
export interface LiveGraph {
  current(): Graph;
  acquire(): { readonly graph: Graph; release(): void };
  close(): Promise<void>;
  /** Calls `listener` with each new graph once it serves; returns how to stop. */
  subscribe?(listener: (graph: Graph) => void): () => void;
}

export interface GatewayOptions {
  /** A fixed graph, or one that reloads (the registry's ServedGraph). */
  readonly graph: Graph | LiveGraph;
  readonly port?: number;
  readonly host?: string;
  /**
   * Host names (without port) requests must be addressed to; any other Host header is
   * answered 421 (DNS rebinding protection for local gateways). Undefined: any.
   */
  readonly allowedHosts?: readonly string[];
  /** The admin API at /admin/graphql; without it the gateway has none. */
  readonly admin?: Omit<AdminOptions, 'gatewayName'>;
  /** The registry revision a graph is, shown in /api and /api/openapi.json. */
  readonly graphVersion?: (graph: Graph) => string;
  /** Request limits, security switches, shutdown deadline; defaults in gateway-settings.ts. */
  readonly settings?: Partial<GatewaySettings>;
  /** What /readyz checks besides "a schema is loaded" (the registry adds its store). */
  readonly readiness?: readonly ReadinessCheck[];
  /**
   * The gateway's logger (src/observe/logger.ts): JSON lines with the request id and, when
   * traced, the trace and span ids. Standard error at level info by default.
   */
  readonly logger?: Logger;
  /** Sync jobs whose webhooks are served at /sync/<job>/webhook (the registry gateway's; known once it starts). */
  readonly sync?: () => SyncService | undefined;
}

export interface RunningGateway {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly port: number;
  /** The admin API's endpoint, when it has one. */
  readonly adminUrl: string | undefined;
  /** The capability catalog; composites are under it. */
  readonly apiUrl: string;
  /** Composites as MCP tools (Streamable HTTP). */
  readonly mcpUrl: string;
  readonly metrics: GatewayMetrics;
  /**
   * Stops accepting requests (new ones get 503, /readyz turns 503), waits for requests in
   * flight up to `deadlineMs` (settings.shutdownTimeoutMs by default), closes every
   * connection, then the graphs' upstream pools. Resolves with the number of requests
   * cut off at the deadline.
   */
  shutdown(deadlineMs?: number): Promise<{ readonly cutOff: number }>;
  /** `shutdown`, without the count. */
  close(deadlineMs?: number): Promise<void>;
  /**
   * Runs a document the gateway wrote itself, with no client behind it (a sync job's
   * reads and writes), through the pipeline like /api's, on the graph served now: the
   * sources' resilience, the request budget and error masking apply.
   */
  execute(document: DocumentNode, variables: Record<string, unknown>, headers?: http.IncomingHttpHeaders): Promise<ExecutionResult>;
}

/**
 * Serves a graph over HTTP: GraphQL (and GraphiQL) at /graphql, composites as REST
 * endpoints with their OpenAPI document and catalog under /api, composites as SOAP
 * operations with their WSDLs under /soap, composites as MCP tools at /mcp, the admin API
 * at /admin/graphql when configured, and a redirect from /.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const live = isLiveGraph(options.graph) ? options.graph : fixedGraph(options.graph);
  let http: RunningHttpServer | undefined;
  const metrics = new GatewayMetrics(() => http?.inFlight() ?? 0);
  const logger = options.logger ?? createLogger();
  const rateLimits = createRateLimits({ redisUrl: settings.redisUrl, keyPrefix: settings.redisKeyPrefix, logger });
  await rateLimits.connected();
  // Off unless configured: then no route is wrapped and no plugin is in the pipeline.
  const tracing = settings.tracing ? await startTracing(settings.tracing, skeinVersion(), logger) : undefined;
  const traced = (route: string, handle: RouteHandler): RouteHandler => (tracing ? traceRequests(tracing, route, handle) : handle);
  const responseCache = settings.cache ? openResponseCache(settings, logger) : undefined;
  await responseCache?.connected();
  if (responseCache) metrics.cache = responseCache.stats;
  const stopping = new AbortController();
  const graphql = createGraphQLPipeline({
    graph: () => live.current(),
    settings,
    metrics,
    logger,
    rateLimits,
    responseCache,
    stopping: stopping.signal,
    tracing,
  });
  const sockets = createGraphQLWsDoor({ pipeline: graphql, live, maxPayloadBytes: settings.maxBodyBytes, log: (line) => logger.error(line) });
  const health = createHealthHandlers({
    checks: () => [
      { name: 'schema', check: () => live.current().schema !== undefined },
      ...(options.readiness ?? []),
      ...eventSourceReadiness(live.current()),
      ...(settings.redisUrl ? [rateLimits.readiness] : []),
      ...(responseCache && settings.redisUrl ? [cacheReadiness(responseCache)] : []),
    ],
    draining: () => http?.draining ?? false,
  });
  // CORS, alike on every public route (not /mcp, which refuses browsers, nor the same-origin admin API).
  const cors = createCors(settings.corsOrigins);
  const routes: Route[] = [
    { prefix: HEALTH_PATH, handle: health.healthz, duringShutdown: true },
    { prefix: READY_PATH, handle: health.readyz, duringShutdown: true },
    {
      prefix: METRICS_PATH,
      duringShutdown: true,
      handle: (_req, res) => {
        const text = metrics.render();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
    },
    {
      prefix: '/graphql',
      maxBodyBytes: settings.maxBodyBytes,
      handle: traced('/graphql', cors((req, res) => {
        const lease = live.acquire();
        res.once('close', lease.release);
        return graphql.handle(req, res, lease.graph);
      }, ['GET', 'POST'])),
    },
  ];
  const capabilities = traced(CAPABILITIES_PREFIX, cors(createCapabilitiesHandler({
    acquire: () => live.acquire(),
    execute: (operation) => graphql.execute(operation),
    version: options.graphVersion ?? (() => 'fixed'),
    showSourceUrls: settings.showSourceUrls,
  }), ['GET', 'HEAD', 'POST']));
  routes.push(
    { prefix: CAPABILITIES_PREFIX, handle: capabilities, maxBodyBytes: settings.maxBodyBytes },
    { prefix: `${CAPABILITIES_PREFIX}/`, handle: capabilities, maxBodyBytes: settings.maxBodyBytes },
    // Composites as SOAP operations. The handler enforces the body limit itself, to refuse with a Fault.
    {
      prefix: `${SOAP_PREFIX}/`,
      handle: traced(SOAP_PREFIX, cors(
        createSoapHandler({ acquire: () => live.acquire(), execute: (operation) => graphql.execute(operation), maxBodyBytes: settings.maxBodyBytes, logger }),
        ['GET', 'HEAD', 'POST'],
      )),
    },
  );
  const mcp = createMcpHandler({
    acquire: () => live.acquire(),
    execute: (operation) => graphql.execute(operation),
    refuseToken: (request) => graphql.refuseToken(request),
    current: () => live.current(),
    subscribe: live.subscribe?.bind(live),
    maxBodyBytes: settings.maxBodyBytes,
    version: skeinVersion(),
  });
  routes.push({ prefix: MCP_PATH, handle: traced(MCP_PATH, mcp.handle), maxBodyBytes: settings.maxBodyBytes });
  if (options.sync) routes.push({ prefix: SYNC_WEBHOOK_PREFIX, handle: createSyncWebhookHandler(options.sync, settings.maxBodyBytes, logger), maxBodyBytes: settings.maxBodyBytes });
  let gatewayName = 'skein';
  let admin: AdminHandler | undefined;
  if (options.admin) {
    admin = createAdminHandler({
      maxBodyBytes: settings.maxAdminBodyBytes,
      logger,
      onDenied: () => metrics.adminDenied++,
      ...options.admin,
      gatewayName: () => gatewayName,
    });
    routes.push({ prefix: ADMIN_ENDPOINT, handle: admin, maxBodyBytes: settings.maxAdminBodyBytes });
  }
  // The console's page and files; what it shows it reads from the admin API, with the user's token.
  const consolePages = createConsoleHandler();
  routes.push({ prefix: CONSOLE_PATH, handle: consolePages }, { prefix: `${CONSOLE_PATH}/`, handle: consolePages });
  routes.push({
    prefix: '/',
    handle: (_req, res) => {
      res.writeHead(302, { location: '/graphql' });
      res.end();
    },
  });
  // Composites run by messages (`# @trigger`): a door of its own, through the same pipeline as /api.
  const triggers = startTriggers({ live, execute: (operation) => graphql.execute(operation), log: (line) => logger.info(line) });
  const server: RunningHttpServer = await startHttpServer(routes, options.port ?? 4000, options.host, {
    allowedHosts: options.allowedHosts,
    upgrades: [{ path: '/graphql', handle: sockets.handleUpgrade }],
    logger,
  });
  http = server;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : 'localhost';
  const origin = `http://${host}:${server.port}`;
  const shutdown = async (deadlineMs = settings.shutdownTimeoutMs) => {
    // MCP sessions and subscriptions (SSE, graphql-ws) hold streams open: end them, or the drain waits out its deadline.
    stopping.abort();
    await triggers.close(); // no new runs; a run in progress finishes (its message is acknowledged or comes again)
    const [cutOff] = await Promise.all([server.close(deadlineMs), mcp.close(), sockets.close()]);
    await admin?.close(); // the refused attempts gathered since the last minute, into the audit trail
    await live.close();
    await rateLimits.close();
    await responseCache?.close();
    // The spans of the last requests: exported now, within the exporter's timeout, whatever the collector does.
    await tracing?.shutdown().catch(() => {});
    return { cutOff };
  };
  gatewayName = `${host}:${server.port}`;
  return {
    url: `${origin}/graphql`,
    port: server.port,
    adminUrl: options.admin ? `${origin}${ADMIN_ENDPOINT}` : undefined,
    apiUrl: `${origin}${CAPABILITIES_PREFIX}`,
    mcpUrl: `${origin}${MCP_PATH}`,
    metrics,
    shutdown,
    close: async (deadlineMs) => void (await shutdown(deadlineMs)),
    async execute(document, variables, headers = {}) {
      const lease = live.acquire();
      try {
        return await graphql.execute({ ...internalRequest(headers), graph: lease.graph, document, variables });
      } finally {
        lease.release();
      }
    },
  };
}

/** The response cache: in Redis with REDIS_URL (shared by a cluster), else in this process's memory. */
function openResponseCache(settings: GatewaySettings, logger: Logger): ResponseCache {
  const store = settings.redisUrl
    ? createRedisStore({ url: settings.redisUrl, keyPrefix: settings.redisKeyPrefix, log: (line) => logger.warn(line) })
    : createMemoryStore(settings.cacheMaxBytes);
  return new ResponseCache({ store, maxEntryBytes: Math.min(settings.cacheMaxEntryBytes, settings.cacheMaxBytes) });
}

/** Advisory: a cache without Redis serves uncached, which no other gateway would do better. */
function cacheReadiness(cache: ResponseCache): ReadinessCheck {
  return {
    name: 'cache',
    advisory: true,
    check() {
      const trouble = cache.trouble();
      if (trouble) throw new Error(trouble);
      return true;
    },
  };
}

/** A request of the gateway's own, on no connection: what the pipeline reads of a request (method, headers) and nothing else. */
function internalRequest(headers: http.IncomingHttpHeaders): { req: http.IncomingMessage; res: http.ServerResponse } {
  const req = new http.IncomingMessage(new Socket());
  req.method = 'POST';
  req.headers = { 'user-agent': 'skein-internal', ...headers };
  return { req, res: new http.ServerResponse(req) };
}

function isLiveGraph(graph: Graph | LiveGraph): graph is LiveGraph {
  return typeof (graph as LiveGraph).acquire === 'function';
}

function fixedGraph(graph: Graph): LiveGraph {
  return { current: () => graph, acquire: () => ({ graph, release: () => {} }), close: () => graph.close() };
}
