import { randomUUID } from 'node:crypto';
import type { IncomingRequest } from '../sources/index.js';

/** The header a request id arrives in and is returned in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids a client or a proxy may choose: short, and nothing that could forge a log line. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const ids = new WeakMap<IncomingRequest, string>();

/**
 * The id of a request: the incoming `x-request-id` when it is sane, else a new UUID. It is
 * returned in the `x-request-id` response header (finish-result.ts), put into masked
 * errors, and written with every logged error, so a client's report can be matched with
 * the gateway's log.
 */
export function requestIdOf(request: IncomingRequest): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
    ids.set(request, id);
  }
  return id;
}

/** The id a request gets from its `x-request-id` header's value: that value when it is sane, else a new UUID. */
export function requestIdFrom(given: string | null | undefined): string {
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}
