import type { ExecutionResult } from 'graphql';

/** How a door that serves a composite as one call (/api, /soap) answers a refusal over HTTP. */
export interface HttpRefusal {
  readonly status: 401 | 403;
  readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  /** The `WWW-Authenticate` challenge (RFC 6750). */
  readonly challenge: string;
}

/**
 * 401 or 403 when the request was refused as a whole (a bad bearer token: no data) or
 * the composite `name` itself may not be called (`@authenticated`, `@requiresScopes` on
 * its operation: an error at its own path). A step refused inside a composite that was
 * answered is a partial answer, not a refusal.
 */
export function httpRefusalOf(name: string, result: ExecutionResult): HttpRefusal | undefined {
  const refusal = result.errors?.find(
    (e) =>
      (e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN') &&
      (!result.data || (e.path?.length === 1 && e.path[0] === name)),
  );
  if (!refusal) return undefined;
  // Refused before execution (no data): the token itself was bad.
  return refusal.extensions.code === 'UNAUTHENTICATED'
    ? { status: 401, code: 'UNAUTHENTICATED', challenge: result.data ? 'Bearer' : 'Bearer error="invalid_token"' }
    : { status: 403, code: 'FORBIDDEN', challenge: 'Bearer error="insufficient_scope"' };
}
