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

/**
 * An answer: `delayMs` late, or held until `holdUntil` settles (a test decides when the
 * upstream answers, so "still in flight" is a fact, not a race against a timer).
 */
export interface Answer {
  status?: number;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  holdUntil?: Promise<unknown>;
}

export type Reply = Answer | ((request: Received) => Answer);

/**
 * A real HTTP server on loopback that records every request and answers from a
 * table of `METHOD /path` → reply (first match wins; `*` in the path matches a segment).
 */
export interface RecordingUpstream {
  readonly url: string;
  readonly received: Received[];
  /** Replaces or adds a reply. */
  on(route: string, reply: Reply): void;
  /** Requests received and not yet answered. */
  inFlight(): number;
  /**
   * The most requests that were in flight at once since the start or the last
   * `resetMaxInFlight()`: with answers delayed, calls made in parallel overlap and
   * calls made one after another do not, however busy the machine.
   */
  maxInFlight(): number;
  resetMaxInFlight(): void;
  /**
   * Settles once `count` requests are in flight at once, or after `timeoutMs`. As a
   * reply's `holdUntil` it makes calls meet: made in parallel, they are answered the
   * moment the last arrives; made one after another, each waits out the timeout and the
   * count shows they never overlapped.
   */
  inFlightReaches(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRecordingUpstream(routes: Record<string, Reply> = {}): Promise<RecordingUpstream> {
  const table = new Map(Object.entries(routes));
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting = new Set<{ count: number; release(): void }>();
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
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let open = true;
      // Answered, or abandoned by the client: the request is no longer in flight.
      const settle = () => {
        if (open) inFlight--;
        open = false;
      };
      res.once('close', settle);
      const entry = [...table.entries()].find(([route]) => matches(route, request));
      const reply = entry ? (typeof entry[1] === 'function' ? entry[1](request) : entry[1]) : { status: 404, json: { error: 'no route' } };
      const send = () => {
        if (res.destroyed) return; // the upstream was closed while the answer was held
        settle();
        const body = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(body);
      };
      for (const waiter of waiting) if (inFlight >= waiter.count) waiter.release();
      if (reply.holdUntil) void reply.holdUntil.finally(send);
      else if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    on: (route, reply) => void table.set(route, reply),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    resetMaxInFlight: () => void (maxInFlight = inFlight),
    inFlightReaches: (count, timeoutMs = 2_000) =>
      new Promise<void>((resolve) => {
        const waiter = {
          count,
          release() {
            clearTimeout(timer);
            waiting.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => waiter.release(), timeoutMs);
        waiting.add(waiter);
      }),
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
