import { GraphQLError } from 'graphql';
import type { IncomingRequest } from '../../sources/index.js';
import type { GatewayPlugin } from '../gateway-plugin.js';
import { TokenRejected, type JwtVerifier, type VerifiedToken } from './jwt-verifier.js';

/**
 * Verifies the `Authorization: Bearer` token of each request as its context is built,
 * in every door (/graphql's two, and /api, /soap and /mcp through the pipeline's
 * `execute`), and puts what it proved in the context as `jwt`: resolvers pass it to
 * upstream calls (header templates) and authorization reads it. A request without a
 * bearer token goes on anonymous; one with a token that fails a check is refused as a
 * whole: 401, code UNAUTHENTICATED, naming the check.
 */
export function useJwt(verify: JwtVerifier): GatewayPlugin {
  return {
    name: 'jwt',
    onContextBuilding({ context, extendContext }) {
      // A token verified lately is known at once: the context is then built without waiting.
      const jwt = identify(verify, (context as { request?: IncomingRequest }).request);
      const extend = (proved: VerifiedToken | undefined) => {
        if (proved) extendContext({ jwt: proved });
      };
      return jwt instanceof Promise ? jwt.then(extend) : extend(jwt);
    },
  };
}

/**
 * What the request's bearer token proves: undefined without one; a GraphQLError (401,
 * UNAUTHENTICATED, naming the check) thrown when it fails a check. The plugin above and
 * the doors that must answer 401 before any GraphQL runs (/mcp) both ask here.
 */
export function identify(verify: JwtVerifier, request: IncomingRequest | undefined): VerifiedToken | undefined | Promise<VerifiedToken> {
  const token = bearerToken(request);
  if (token === undefined) return undefined;
  const verified = verify(token);
  if (!(verified instanceof Promise)) return verified;
  return verified.catch((error: unknown) => {
    throw error instanceof TokenRejected ? unauthenticated(error.message, 'invalid_token') : error;
  });
}

/** The token of an `Authorization: Bearer …` header; undefined without one (other schemes are not ours). */
function bearerToken(request: IncomingRequest | undefined): string | undefined {
  const header = request?.headers.get('authorization');
  if (!header) return undefined;
  // A test of the scheme alone: a pattern capturing the token would scan all of it, on every request.
  if (!/^\s*bearer(?:\s|$)/i.test(header)) return undefined;
  const token = header.trim().slice('bearer'.length).trim();
  if (!token) throw unauthenticated('the Authorization header says Bearer but carries no token', 'invalid_request');
  return token;
}

function unauthenticated(message: string, error: 'invalid_token' | 'invalid_request'): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'www-authenticate': `Bearer error="${error}"` } },
    },
  });
}
