import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the upstream saw it. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | { status?: number; json?: unknown; body?: string; headers?: Record<string, string>; delayMs?: number }
  | ((request: Received) => { status?: number; json?: unknown; body?: string; headers?: Record<string, string>; delayMs?: number });

/**
 * A real HTTP server on loopback that records every request and answers from a
 * table of `METHOD /path` → reply (first match wins; `*` in the path matches a segment).
 */
export interface RecordingUpstream {
  readonly url: string;
  readonly received: Received[];
  /** Replaces or adds a reply. */
  on(route: string, reply: Reply): void;
  close(): Promise<void>;
}

export async function startRecordingUpstream(routes: Record<string, Reply> = {}): Promise<RecordingUpstream> {
  const table = new Map(Object.entries(routes));
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      const request: Received = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const entry = [...table.entries()].find(([route]) => matches(route, request));
      const reply = entry ? (typeof entry[1] === 'function' ? entry[1](request) : entry[1]) : { status: 404, json: { error: 'no route' } };
      const send = () => {
        const body = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    on: (route, reply) => void table.set(route, reply),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function matches(route: string, request: Received): boolean {
  const [method, path] = route.split(' ');
  if (method !== request.method) return false;
  const want = path.split('/');
  const got = request.path.split('/');
  return want.length === got.length && want.every((part, i) => part === '*' || part === got[i]);
}
