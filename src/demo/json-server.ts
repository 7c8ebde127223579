import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a route sees it. */
export interface JsonRequest {
  readonly method: string;
  readonly url: URL;
  /** Captures of the route's pattern. */
  readonly params: readonly string[];
  readonly headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, if any. */
  readonly body: unknown;
}

export interface JsonRoute {
  readonly method: string;
  readonly pattern: RegExp;
  handle(request: JsonRequest): { status?: number; body?: unknown } | undefined;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A small JSON-over-HTTP service on loopback, for the demo's upstreams. Every answer
 * waits `delayMs()` first, so the demo can show what parallel plans save.
 */
export async function startJsonServer(routes: readonly JsonRoute[], delayMs: () => number): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let answer: { status: number; body?: unknown };
      try {
        answer = route(routes, req, url, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        answer = { status: 400, body: { error: (error as Error).message } };
      }
      const send = () => {
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const delay = delayMs();
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(routes: readonly JsonRoute[], req: http.IncomingMessage, url: URL, text: string) {
  const body = text ? JSON.parse(text) : undefined;
  for (const candidate of routes) {
    if (candidate.method !== req.method) continue;
    const match = candidate.pattern.exec(url.pathname);
    if (!match) continue;
    const answer = candidate.handle({ method: req.method, url, params: match.slice(1), headers: req.headers, body });
    if (answer) return { status: answer.status ?? 200, body: answer.body };
  }
  return { status: 404, body: { error: `no ${req.method} ${url.pathname}` } };
}
