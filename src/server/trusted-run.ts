import type http from 'node:http';
import type { IncomingRequest } from '../sources/index.js';
import { headersOf, NodeRequest } from './node-request.js';

/** What the pipeline's plugins read of a run of the gateway's own that has no HTTP exchange (server context, beside `req`). */
export interface TrustedRunContext {
  /** Its request headers, lower-case names (tracing continues a `traceparent` among them). */
  readonly trustedHeaders?: Readonly<Record<string, string>>;
  /** Who it runs as for the rate limits when no verified token says (`trigger:<composite>`, `sync`). */
  readonly trustedClient?: string;
}

/** Who asked for a trusted run (`TrustedOperation`): an HTTP exchange (/api, /soap, /mcp), or declared headers and a client name (a trigger, a sync job). */
export interface TrustedCaller {
  /** The HTTP exchange that asked for it; absent when the gateway runs it on its own (a message or a sync job). */
  readonly req?: http.IncomingMessage;
  readonly res?: http.ServerResponse;
  /**
   * The request headers of a run no HTTP exchange asked for (a trigger's declared headers, a
   * sync job's), read wherever a request's headers are: the bearer token (`{jwt.*}` header
   * templates, authorization, the rate-limit client, PRIVATE cache scope), `forwardHeaders`,
   * `x-request-id`, `traceparent`, `Skein-Expose-Plan`. Ignored when `req` is given.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Who a run without an HTTP exchange is, for the rate limits, when its headers carry no
   * verified token saying so: `trigger:<composite>`, `sync`. Without it, one anonymous client.
   */
  readonly client?: string;
}

/**
 * The request the pipeline's hooks read for a trusted run: the exchange's own, or one made of
 * the run's headers alone (no connection, no address, never aborted by a client), with what
 * plugins read of such a run besides. The one place a request without a client is made.
 */
export function trustedRequest(caller: TrustedCaller): { readonly request: IncomingRequest; readonly context: TrustedRunContext } {
  if (caller.req && caller.res) return { request: new NodeRequest(caller.req, caller.res), context: {} };
  const trustedHeaders = Object.fromEntries(Object.entries(caller.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return { request: { headers: headersOf(trustedHeaders) }, context: { trustedHeaders, trustedClient: caller.client } };
}
