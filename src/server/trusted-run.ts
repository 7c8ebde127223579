import type http from 'node:http';
import type { IncomingRequest } from '../sources/index.js';
import { headersOf, NodeRequest } from './node-request.js';

/** What the pipeline's plugins read of a run of the gateway's own that has no HTTP exchange (server context, beside `req`). */
export interface TrustedRunContext {
  /** Its request headers, lower-case names (tracing continues a `traceparent` among them). */
  readonly trustedHeaders?: Readonly<Record<string, string>>;
  /** Who it runs as for the rate limits when no verified token says (`trigger:<composite>`, `sync:<job>`). */
  readonly trustedClient?: string;
}

/** Who asked for a trusted run: an HTTP exchange (/api, /soap, /mcp), or declared headers and a client name (a trigger, a sync job). */
export interface TrustedCaller {
  readonly req?: http.IncomingMessage;
  readonly res?: http.ServerResponse;
  readonly headers?: Readonly<Record<string, string>>;
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
