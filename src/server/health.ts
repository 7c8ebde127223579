import type { RouteHandler } from './http-server.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

/** One thing readiness depends on: a name, and a check that throws (or resolves false) when not ready. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean | void> | boolean | void;
  /**
   * Failing it is reported (under `degraded`) but leaves the gateway ready: what it checks
   * has a fallback, and no other instance would do better (Redis behind shared rate limits).
   */
  readonly advisory?: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: the process is alive and serving HTTP (200, always, while it listens; an
 * orchestrator restarts a process that stops answering). `/readyz`: it should be sent
 * traffic: 200 when every check passes (a schema is loaded, the store answers) and the
 * gateway is not shutting down; 503 otherwise, with the failing checks named. Each check
 * has 2 s. Neither says anything about upstreams: a failing upstream is the breaker's
 * business, and restarting gateways would not mend it.
 */
export function createHealthHandlers(options: {
  /** The checks, or a function that gives them per request (those of the graph being served). */
  readonly checks: readonly ReadinessCheck[] | (() => readonly ReadinessCheck[]);
  readonly draining: () => boolean;
}): { readonly healthz: RouteHandler; readonly readyz: RouteHandler } {
  return {
    healthz: (_req, res) => send(res, 200, { status: 'alive' }),
    readyz: async (_req, res) => {
      if (options.draining()) {
        send(res, 503, { status: 'shutting down' });
        return;
      }
      const checks = typeof options.checks === 'function' ? options.checks() : options.checks;
      const failing: Record<string, string> = {};
      const degraded: Record<string, string> = {};
      await Promise.all(
        checks.map(async ({ name, check, advisory }) => {
          const into = advisory ? degraded : failing;
          try {
            const ok = await withTimeout(Promise.resolve(check()), CHECK_TIMEOUT_MS);
            if (ok === false) into[name] = 'not ready';
          } catch (error) {
            into[name] = (error as Error).message;
          }
        }),
      );
      const advice = Object.keys(degraded).length > 0 ? { degraded } : {};
      if (Object.keys(failing).length > 0) send(res, 503, { status: 'not ready', failing, ...advice });
      else send(res, 200, { status: 'ready', checks: checks.map((c) => c.name), ...advice });
    },
  };
}

function send(res: Parameters<RouteHandler>[1], status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
