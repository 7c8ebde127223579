import type http from 'node:http';
import type { IncomingRequest } from '../sources/index.js';

/** Node's request headers, read by name as a Fetch `Headers` is. */
export function headersOf(raw: http.IncomingHttpHeaders): IncomingRequest['headers'] {
  return {
    get(name: string): string | null {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * A Node request as plugins and sources read it (method, headers by name, the signal that
 * the client went away), without building a Fetch Request: the fast lane's and /api's.
 * The signal is made only if something asks for it: few requests need it, and one costs
 * a few µs.
 */
export class NodeRequest implements IncomingRequest {
  readonly method: string;
  readonly headers: IncomingRequest['headers'];
  #controller: AbortController | undefined;
  #gone = false;

  constructor(req: http.IncomingMessage, res: http.ServerResponse) {
    this.method = req.method ?? 'POST';
    this.headers = headersOf(req.headers);
    res.once('close', () => {
      if (res.writableFinished) return;
      this.#gone = true;
      this.#controller?.abort();
    });
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
    }
    return this.#controller.signal;
  }
}
