import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A handler for requests under one path prefix. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface Route {
  /** `/graphql` matches that path exactly; a prefix ending in `/`, such as `/api/`, matches everything under it. */
  readonly prefix: string;
  readonly handle: RouteHandler;
}

export interface RunningHttpServer {
  readonly server: http.Server;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The gateway's one HTTP listener. Each part (GraphQL, admin, REST exposure, health)
 * owns a path prefix; the first route whose prefix matches handles the request.
 */
export async function startHttpServer(routes: readonly Route[], port: number, host?: string): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => path === r.prefix || (r.prefix.length > 1 && r.prefix.endsWith('/') && path.startsWith(r.prefix)));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `nothing is served at ${path}; GraphQL is at /graphql` }));
      return;
    }
    Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
      console.error('skein: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
