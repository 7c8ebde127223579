import type { HttpAnswer, HttpCall } from './http-client.js';

/**
 * Upstream answers kept for a while, consulted by `HttpClient.send` before it sends a
 * read-only call (`idempotent`: a REST GET, a SOAP operation marked safe). It decides
 * itself which calls it keeps (by `label`, the field) and for whom; the transport only
 * asks and hands it every 2xx answer. A request carries one in its context
 * (`RequestContext.callCache`) when the gateway caches (src/cache).
 */
export interface CallCache {
  /** A fresh answer to the same call, or undefined. */
  read(call: HttpCall, source: string): Promise<HttpAnswer | undefined>;
  /** Offers a 2xx answer to `call`; never waits for the store. */
  write(call: HttpCall, answer: HttpAnswer, source: string): void;
}
