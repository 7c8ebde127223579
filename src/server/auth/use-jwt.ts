import { GraphQLError } from 'graphql';
import { isGraphQLError } from '../finish-result.js';
import type { IncomingRequest } from '../../sources/index.js';
import type { GatewayPlugin, OperationHookPayload } from '../gateway-plugin.js';
import { TokenRejected, type JwtVerifier, type VerifiedToken } from './jwt-verifier.js';

/**
 * Verifies the `Authorization: Bearer` token of each operation before it executes or
 * subscribes, in every door (/graphql's two and its sockets, and /api, /soap and /mcp
 * through the pipeline's `execute`), and puts what it proved in the context as `jwt`:
 * resolvers pass it to upstream calls (header templates), authorization reads it, and the
 * plugins after this one (rate limits, the response cache) count and key by it. A request
 * without a bearer token goes on anonymous; one with a token that fails a check is refused
 * as a whole: 401, code UNAUTHENTICATED, naming the check, and nothing after runs.
 *
 * Why not while the context is built: a context-building hook makes envelop build every
 * request's context on its general path (closures and promise helpers per request, about
 * 5 KB), where the execute and subscribe hooks run anyway.
 */
export function useJwt(verify: JwtVerifier): GatewayPlugin {
  const check = (payload: OperationHookPayload): void | Promise<void> => {
    let jwt: ReturnType<typeof identify>;
    try {
      jwt = identify(verify, (payload.args.contextValue as { request?: IncomingRequest }).request);
    } catch (error) {
      return refuse(payload, error);
    }
    // A token verified lately is known at once: the operation then goes on without waiting.
    if (jwt instanceof Promise) return jwt.then((proved) => prove(payload, proved), (error: unknown) => refuse(payload, error));
    prove(payload, jwt);
  };
  return { name: 'jwt', onExecute: check, onSubscribe: check };
}

function prove(payload: OperationHookPayload, proved: VerifiedToken | undefined): void {
  if (proved) payload.extendContext({ jwt: proved });
}

/** A failed check is the operation's answer; anything else is unexpected, and masked as such. */
function refuse(payload: OperationHookPayload, error: unknown): void {
  if (!isGraphQLError(error)) throw error;
  payload.setResultAndStopExecution({ errors: [error] });
}

/**
 * What the request's bearer token proves: undefined without one; a GraphQLError (401,
 * UNAUTHENTICATED, naming the check) thrown when it fails a check. The plugin above and
 * the doors that must answer 401 before any GraphQL runs (/mcp, and the graphql-ws
 * socket, whose refusal is an `error` message) both ask here.
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
