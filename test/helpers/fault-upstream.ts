import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the upstream answers one request:
 * - `ok`: the good answer (from `good`), after `delayMs`, or once `holdUntil` settles;
 * - `status`: that HTTP status with `body` (default: a short text);
 * - `reset`: the connection is destroyed before any answer;
 * - `reset-mid-body`: headers and half the good body, then the connection is destroyed;
 * - `garbage`: 200 with bytes that are neither JSON nor XML;
 * - `truncated`: 200 with Content-Length of the good body, but only half of it, then close;
 * - `oversized`: 200 with `bytes` bytes of body;
 * - `drip`: 200, then the good body one byte every `intervalMs` (each pause short, the whole long);
 * - `hang`: never answers (until closed).
 */
export type Fault =
  | { readonly kind: 'ok'; readonly delayMs?: number; readonly holdUntil?: Promise<unknown> }
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly contentType?: string; readonly delayMs?: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'reset-mid-body' }
  | { readonly kind: 'garbage' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'oversized'; readonly bytes: number }
  | { readonly kind: 'drip'; readonly intervalMs: number }
  | { readonly kind: 'hang' };

/** The good answer to a request: the body and its content type. */
export type GoodAnswer = (request: { method: string; path: string; body: string }) => { body: string; contentType: string };

export interface FaultUpstream {
  readonly url: string;
  /** Requests received (every attempt counts, retries included), by path. */
  hits(path?: string): number;
  /** The bodies received, in order. */
  readonly bodies: string[];
  /**
   * Settles when every request received so far has been answered in full or had its
   * connection closed: a late answer has gone out, so waiting for it needs no timer.
   */
  idle(): Promise<void>;
  /** From now on, answer request n (0-based, counted from this call) with `plan(n)`. */
  plan(plan: Fault | ((n: number) => Fault)): void;
  close(): Promise<void>;
}

/**
 * A real HTTP upstream on loopback that misbehaves on demand, for REST (JSON) and SOAP
 * (XML) alike: `good` says what a healthy answer is, `plan` what happens instead.
 */
export async function startFaultUpstream(good: GoodAnswer): Promise<FaultUpstream> {
  let plan: (n: number) => Fault = () => ({ kind: 'ok' });
  let counter = 0;
  const byPath = new Map<string, number>();
  let total = 0;
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  let pending = 0;
  let whenIdle: (() => void)[] = [];
  const settled = () => {
    if (--pending > 0) return;
    for (const resolve of whenIdle) resolve();
    whenIdle = [];
  };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const body = Buffer.concat(chunks).toString('utf8');
      byPath.set(path, (byPath.get(path) ?? 0) + 1);
      total++;
      bodies.push(body);
      pending++;
      res.once('close', settled);
      const fault = plan(counter++);
      const answer = good({ method: req.method ?? 'GET', path, body });
      const full = Buffer.from(answer.body, 'utf8');
      switch (fault.kind) {
        case 'ok': {
          const send = () => {
            if (res.destroyed) return;
            res.writeHead(200, { 'content-type': answer.contentType, 'content-length': full.length });
            res.end(full);
          };
          if (fault.holdUntil) void fault.holdUntil.finally(send);
          else later(fault.delayMs ?? 0, send);
          return;
        }
        case 'status':
          later(fault.delayMs ?? 0, () => {
            const text = fault.body ?? `upstream says ${fault.status}`;
            res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/plain', 'content-length': Buffer.byteLength(text) });
            res.end(text);
          });
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'reset-mid-body':
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': full.length });
          res.write(full.subarray(0, Math.floor(full.length / 2)), () => later(5, () => req.socket.destroy()));
          return;
        case 'garbage': {
          const junk = '\u0000\u0001 definitely not { json < nor xml';
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(junk) });
          res.end(junk);
          return;
        }
        case 'truncated':
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': full.length });
          res.write(full.subarray(0, Math.floor(full.length / 2)), () => later(5, () => req.socket.end()));
          return;
        case 'oversized': {
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': fault.bytes });
          const block = Buffer.alloc(64 * 1024, 0x20);
          let left = fault.bytes;
          const pump = () => {
            while (left > 0) {
              const piece = left >= block.length ? block : block.subarray(0, left);
              left -= piece.length;
              if (!res.write(piece)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          res.on('error', () => {});
          pump();
          return;
        }
        case 'drip': {
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': full.length });
          let at = 0;
          const step = () => {
            if (res.destroyed) return;
            if (at >= full.length) {
              res.end();
              return;
            }
            res.write(full.subarray(at, at + 1));
            at++;
            later(fault.intervalMs, step);
          };
          step();
          return;
        }
        case 'hang':
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: (path) => (path === undefined ? total : (byPath.get(path) ?? 0)),
    bodies,
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve))),
    plan(next) {
      counter = 0;
      plan = typeof next === 'function' ? next : () => next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
