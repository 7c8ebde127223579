import { GraphQLError, type ExecutionResult } from 'graphql';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { IncomingRequest, RequestContext } from '../sources/index.js';
import { requestFields, type Logger, type TraceScope } from '../observe/index.js';
import { isGraphQLError } from './finish-result.js';
import { requestIdOf } from './request-id.js';

/** What an unexpected error says to the client. */
export const MASKED_MESSAGE = 'Unexpected error; the gateway logged it with this request id.';
export const INTERNAL_ERROR_CODE = 'INTERNAL_SERVER_ERROR';

export interface ErrorMaskingOptions {
  /** Where the real error goes, with the request id (and trace id when traced). */
  readonly logger: Logger;
  /** Told each time an error is masked (for metrics). */
  readonly onMasked?: () => void;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>)]+/g;
/** graphql-js's words when a resolver's value leaves a non-null field without one. */
const NON_NULL_VIOLATION = /^Cannot return null for non-nullable field (\w+\.\w+)\.$/;

/**
 * Errors a client may read are the deliberate ones: GraphQL errors raised on purpose
 * (validation, limits, UpstreamError, composite step errors). Anything else a resolver
 * throws (a TypeError, a bug) is replaced by `Unexpected error…` with
 * `extensions: { code: INTERNAL_SERVER_ERROR, requestId }`, and its message and stack go
 * to the log with the same request id; no stack trace, upstream URL or credential
 * reaches the client. As a last guard, any URL in a deliberate error's message is
 * replaced by `<url>`. Only results that have errors are looked at.
 */
export function useErrorMasking(options: ErrorMaskingOptions): GatewayPlugin {
  const logger = options.logger;
  return {
    name: 'error-masking',
    // A crash while parsing (a parser bug, a stack the limits did not foresee) is masked
    // and logged with the request id like one in a resolver, in both doors.
    onParse({ context }) {
      return ({ result, replaceParseResult }) => {
        if (!(result instanceof Error) || isGraphQLError(result)) return;
        const request = (context as { request?: IncomingRequest }).request;
        const requestId = request ? requestIdOf(request) : 'none';
        logger.error({ ...requestFields(requestId), err: result }, 'unexpected error while parsing');
        options.onMasked?.();
        replaceParseResult(
          new GraphQLError(MASKED_MESSAGE, { extensions: { code: INTERNAL_ERROR_CODE, requestId, http: { status: 500 } } }) as never,
        );
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          maskResult(result as ExecutionResult, args.contextValue, setResult);
        },
      };
    },
    // A subscription's events are executed by graphql-js, not through onExecute: each one is
    // looked at as it leaves, as is a refusal when subscribing.
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return maskResult(result as ExecutionResult, args.contextValue, setResult);
          return { onNext: ({ result: event, setResult: setEvent }) => maskResult(event, args.contextValue, setEvent) };
        },
      };
    },
  };

  /** The result with every error a client may not read replaced (and logged); untouched when none is. */
  function maskResult(result: ExecutionResult, contextValue: unknown, setResult: (result: ExecutionResult) => void): void {
    const errors = result.errors;
    if (!errors || errors.length === 0) return;
    const { request, trace } = contextValue as RequestContext;
    let changed = false;
    const safe = errors.map((error) => {
      const replaced = safeError(error, request, trace, logger, options.onMasked);
      if (replaced !== error) changed = true;
      return replaced;
    });
    if (changed) setResult({ ...result, errors: safe });
  }
}

function safeError(
  error: GraphQLError,
  request: IncomingRequest | undefined,
  trace: TraceScope | undefined,
  logger: Logger,
  onMasked: (() => void) | undefined,
): GraphQLError {
  const original = error.originalError;
  const missing = original && NON_NULL_VIOLATION.exec(original.message);
  if (missing) {
    // Not a bug of the gateway's: an upstream left out a value its description promises.
    return new GraphQLError(
      `The upstream answer has no value for ${missing[1]}, which the schema declares non-null; the upstream or its description is wrong`,
      { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { code: 'UPSTREAM_BAD_RESPONSE' } },
    );
  }
  if (original && !isGraphQLError(original)) {
    const requestId = request ? requestIdOf(request) : 'none';
    logger.error({ ...requestFields(requestId, trace), ...(error.path ? { path: error.path.join('.') } : {}), err: original }, 'unexpected error');
    onMasked?.();
    return new GraphQLError(MASKED_MESSAGE, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { code: INTERNAL_ERROR_CODE, requestId },
    });
  }
  if (!error.message.includes('://')) return error;
  return new GraphQLError(error.message.replace(URL_IN_TEXT, '<url>'), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
