import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One forwarded call, as the proxy saw it arrive. */
export interface ProxiedCall {
  readonly upstream: string;
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

/**
 * Pass-through proxies in front of upstreams we do not write ourselves (the demo's), one
 * per upstream, sharing one count of the calls in flight through any of them.
 */
export interface CountingProxies {
  /** The proxies' URLs, by upstream name: hand these to the graph instead of the real ones. */
  readonly urls: Readonly<Record<string, string>>;
  readonly calls: ProxiedCall[];
  /** The most calls in flight at once, over all upstreams, since the start or the last reset. */
  maxInFlight(): number;
  resetMaxInFlight(): void;
  /**
   * From now on, the answers to the calls `rule.calls` selects are held until
   * `rule.inFlight` calls are in flight at once (or 2 s have passed), so calls the gateway
   * makes in parallel are sure to overlap, however busy the machine; calls made one after
   * another each wait out the 2 s and never do. Without a rule, answers pass at once.
   */
  meet(rule: MeetRule | undefined): void;
  close(): Promise<void>;
}

export interface MeetRule {
  readonly calls: (call: ProxiedCall) => boolean;
  readonly inFlight: number;
}

export async function startCountingProxies(targets: Readonly<Record<string, string>>): Promise<CountingProxies> {
  let meet: MeetRule | undefined;
  const calls: ProxiedCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let waiting: (() => void)[] = [];
  const servers: http.Server[] = [];
  const urls: Record<string, string> = {};

  const meeting = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  for (const [name, target] of Object.entries(targets)) {
    const origin = new URL(target).origin;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const call: ProxiedCall = { upstream: name, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
        calls.push(call);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const held = meet?.calls(call) ? meeting() : undefined;
        if (meet && inFlight >= meet.inFlight) {
          for (const release of waiting) release();
          waiting = [];
        }
        try {
          const { host, connection, 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = req.headers;
          const answer = await fetch(`${origin}${call.path}`, {
            method: call.method,
            headers: headers as Record<string, string>,
            body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          });
          const body = Buffer.from(await answer.arrayBuffer());
          await held;
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
          res.end(body);
        } catch {
          res.destroy();
        } finally {
          inFlight--;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = new URL(target);
    url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    urls[name] = url.toString().replace(/\/$/, '');
  }

  return {
    urls,
    calls,
    maxInFlight: () => maxInFlight,
    resetMaxInFlight: () => void (maxInFlight = inFlight),
    meet: (rule) => void (meet = rule),
    close: async () => {
      for (const release of waiting) release();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
