import type { Graph } from '../graph/index.js';
import { ADMIN_ENDPOINT, createAdminHandler, type AdminOptions } from './admin/index.js';
import { CAPABILITIES_PREFIX, createCapabilitiesHandler } from './capabilities/index.js';
import { createGraphQLApp } from './graphql-app.js';
import { startHttpServer, type Route, type RunningHttpServer } from './http-server.js';

/**
 * A graph that can change while the gateway runs (the registry's). Each request leases
 * the current graph and keeps it to its end; the old graph is closed once released.
 */
export interface LiveGraph {
  current(): Graph;
  acquire(): { readonly graph: Graph; release(): void };
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** A fixed graph, or one that reloads (the registry's ServedGraph). */
  readonly graph: Graph | LiveGraph;
  readonly port?: number;
  readonly host?: string;
  /** The admin API at /admin/graphql; without it the gateway has none. */
  readonly admin?: Omit<AdminOptions, 'gatewayName'>;
  /** The registry revision a graph is, shown in /api and /api/openapi.json. */
  readonly graphVersion?: (graph: Graph) => string;
}

export interface RunningGateway {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly port: number;
  /** The admin API's endpoint, when it has one. */
  readonly adminUrl: string | undefined;
  /** The capability catalog; composites are under it. */
  readonly apiUrl: string;
  /** Stops listening, waits for requests in flight, closes upstream pools. */
  close(): Promise<void>;
}

/**
 * Serves a graph over HTTP: GraphQL (and GraphiQL) at /graphql, composites as REST
 * endpoints with their OpenAPI document and catalog under /api, the admin API at
 * /admin/graphql when configured, and a redirect from /.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const live = isLiveGraph(options.graph) ? options.graph : fixedGraph(options.graph);
  const graphql = createGraphQLApp({ graph: () => live.current() });
  const routes: Route[] = [
    {
      prefix: '/graphql',
      handle: (req, res) => {
        const lease = live.acquire();
        res.once('close', lease.release);
        return graphql(req, res, { graph: lease.graph });
      },
    },
  ];
  const capabilities = createCapabilitiesHandler({
    acquire: () => live.acquire(),
    version: options.graphVersion ?? (() => 'fixed'),
  });
  routes.push({ prefix: CAPABILITIES_PREFIX, handle: capabilities }, { prefix: `${CAPABILITIES_PREFIX}/`, handle: capabilities });
  let gatewayName = 'skein';
  if (options.admin) {
    const admin = createAdminHandler({ ...options.admin, gatewayName: () => gatewayName });
    routes.push({ prefix: ADMIN_ENDPOINT, handle: admin });
  }
  routes.push({
    prefix: '/',
    handle: (_req, res) => {
      res.writeHead(302, { location: '/graphql' });
      res.end();
    },
  });
  const http: RunningHttpServer = await startHttpServer(routes, options.port ?? 4000, options.host);
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : 'localhost';
  const origin = `http://${host}:${http.port}`;
  gatewayName = `${host}:${http.port}`;
  return {
    url: `${origin}/graphql`,
    port: http.port,
    adminUrl: options.admin ? `${origin}${ADMIN_ENDPOINT}` : undefined,
    apiUrl: `${origin}${CAPABILITIES_PREFIX}`,
    close: async () => {
      await http.close();
      await live.close();
    },
  };
}

function isLiveGraph(graph: Graph | LiveGraph): graph is LiveGraph {
  return typeof (graph as LiveGraph).acquire === 'function';
}

function fixedGraph(graph: Graph): LiveGraph {
  return { current: () => graph, acquire: () => ({ graph, release: () => {} }), close: () => graph.close() };
}
