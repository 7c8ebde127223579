import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createLogger, type Logger } from '../observe/index.js';

/** A handler for requests under one path prefix. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface Route {
  /** `/graphql` matches that path exactly; a prefix ending in `/`, such as `/api/`, matches everything under it. */
  readonly prefix: string;
  readonly handle: RouteHandler;
  /**
   * Largest request body the route accepts, in bytes: a request whose Content-Length says
   * more is answered 413 before a byte of it is read. (The handler caps a body without
   * Content-Length while it streams it.) Undefined: no check here.
   */
  readonly maxBodyBytes?: number;
  /** Served while the gateway drains (health checks); other routes then answer 503. */
  readonly duringShutdown?: boolean;
}

/** A path whose HTTP upgrade requests (WebSocket) a handler takes over. */
export interface UpgradeRoute {
  readonly path: string;
  handle(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface RunningHttpServer {
  readonly server: http.Server;
  readonly port: number;
  /** Requests being served now. */
  inFlight(): number;
  /** Whether `close` has begun: new requests are refused. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and requests, waits up to `deadlineMs` for the requests
   * in flight, then closes every connection. Resolves with the requests that were still
   * running at the deadline (0 when all finished).
   */
  close(deadlineMs?: number): Promise<number>;
}

/** The served path that starts with the same segment as an unserved one: `/admin` → `/admin/graphql`. */
function nearestRoute(path: string, routes: readonly Route[]): string | undefined {
  const segment = path.split('/')[1];
  return segment ? routes.find((r) => r.prefix.split('/')[1] === segment)?.prefix : undefined;
}

/**
 * The gateway's one HTTP listener. Each part (GraphQL, admin, REST exposure, health)
 * owns a path prefix; the first route whose prefix matches handles the request.
 */
export async function startHttpServer(
  routes: readonly Route[],
  port: number,
  host?: string,
  options: { readonly allowedHosts?: readonly string[]; readonly upgrades?: readonly UpgradeRoute[]; readonly logger?: Logger } = {},
): Promise<RunningHttpServer> {
  const allowedHosts = options.allowedHosts && new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  const finished = () => {
    inFlight--;
    if (draining && inFlight === 0) drained?.();
  };

  const server = http.createServer((req, res) => {
    if (allowedHosts && !allowedHosts.has(hostnameOf(req.headers.host))) {
      refuseHost(res, req.headers.host);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => path === r.prefix || (r.prefix.length > 1 && r.prefix.endsWith('/') && path.startsWith(r.prefix)));
    if (!route) {
      const near = nearestRoute(path, routes);
      reply(res, 404, { error: `nothing is served at ${path}; ${near ? `did you mean ${near}?` : 'GraphQL is at /graphql'}` });
      return;
    }
    if (draining && !route.duringShutdown) {
      res.setHeader('connection', 'close');
      reply(res, 503, { error: 'the gateway is shutting down; send the request to another instance' });
      return;
    }
    if (route.maxBodyBytes !== undefined) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > route.maxBodyBytes) {
        refuseBody(res, `The request body is ${declared} bytes; this endpoint accepts at most ${route.maxBodyBytes} (SKEIN_MAX_BODY_BYTES)`);
        return;
      }
    }
    inFlight++;
    res.once('close', finished);
    Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
      (options.logger ?? fallbackLogger()).error({ path, err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    const upgrade = options.upgrades?.find((u) => u.path === path);
    const refusal =
      allowedHosts && !allowedHosts.has(hostnameOf(req.headers.host))
        ? '421 Misdirected Request'
        : draining
          ? '503 Service Unavailable'
          : !upgrade
            ? '404 Not Found'
            : undefined;
    if (refusal || !upgrade) {
      socket.end(`HTTP/1.1 ${refusal}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    upgrade.handle(req, socket, head);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<number> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    inFlight: () => inFlight,
    get draining() {
      return draining;
    },
    close: (deadlineMs = 10_000) =>
      (closing ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, deadlineMs).unref();
          });
        }
        const left = inFlight;
        server.closeAllConnections();
        await closed;
        return left;
      })()),
  };
}

/**
 * Answers 413 BODY_TOO_LARGE in GraphQL's error shape. The rest of the body is not read,
 * so the connection is closed rather than drained.
 */
export function refuseBody(res: http.ServerResponse, message: string): void {
  res.setHeader('connection', 'close');
  reply(res, 413, { errors: [{ message, extensions: { code: 'BODY_TOO_LARGE' } }] });
}

/** The names a local gateway (`--dev`, `--demo`) answers to, whatever the port. */
export const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header, lower case, without its port (`[::1]` keeps its brackets). */
export function hostnameOf(header: string | undefined): string {
  const value = (header ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

/**
 * Answers 421 to a request for a name this gateway was not told it has. A local gateway
 * checks it because a web page can point a name of its own at 127.0.0.1 (DNS rebinding)
 * and so reach an unprotected admin API from the browser of whoever runs it.
 */
function refuseHost(res: http.ServerResponse, host: string | undefined): void {
  res.setHeader('connection', 'close');
  reply(res, 421, {
    errors: [
      {
        message: `this gateway answers to localhost, 127.0.0.1 and [::1], not to Host ${JSON.stringify(host ?? '')}; add the name to SKEIN_ALLOWED_HOSTS (comma-separated) to use it`,
        extensions: { code: 'HOST_NOT_ALLOWED' },
      },
    ],
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let shared: Logger | undefined;
/** A server started without a logger (tests of routes alone) logs to standard error. */
function fallbackLogger(): Logger {
  return (shared ??= createLogger());
}
