import type { Graph } from '../graph/index.js';
import { createGraphQLApp } from './graphql-app.js';
import { startHttpServer, type RunningHttpServer } from './http-server.js';

export interface GatewayOptions {
  readonly graph: Graph;
  readonly port?: number;
  readonly host?: string;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** Stops listening, waits for requests in flight, closes upstream pools. */
  close(): Promise<void>;
}

/** Serves a graph over HTTP: GraphQL (and GraphiQL) at /graphql, a redirect from /. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const graph = options.graph;
  const graphql = createGraphQLApp({ graph: () => graph });
  const http: RunningHttpServer = await startHttpServer(
    [
      { prefix: '/graphql', handle: graphql },
      {
        prefix: '/',
        handle: (_req, res) => {
          res.writeHead(302, { location: '/graphql' });
          res.end();
        },
      },
    ],
    options.port ?? 4000,
    options.host,
  );
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : 'localhost';
  return {
    url: `http://${host}:${http.port}/graphql`,
    port: http.port,
    close: async () => {
      await http.close();
      await graph.close();
    },
  };
}
