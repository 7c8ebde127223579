import type http from 'node:http';
import { ROOT_CONTEXT, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { getOperationAST, type GraphQLError } from 'graphql';
import { requestSpanOf, SEMCONV, TraceScope, type Tracing } from '../observe/index.js';
import type { IncomingRequest } from '../sources/index.js';
import { isGraphQLError } from './finish-result.js';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { TrustedRunContext } from './trusted-run.js';
import { requestIdOf } from './request-id.js';

export const REQUEST_ID_ATTRIBUTE = 'skein.request_id';

/**
 * A span per GraphQL operation (`query hotelOrder`), under its HTTP request's span, in
 * both doors of /graphql and for the documents /api, /soap and /mcp run. The operation
 * carries a `TraceScope` in its context, under which composite steps and upstream calls
 * start their spans. Errors are recorded by code and path, never by message (a message
 * may quote a variable's value). Only in the pipeline when tracing is on.
 */
export function useTracing(tracing: Tracing): GatewayPlugin {
  return {
    name: 'tracing',
    onExecute({ args, extendContext }) {
      const context = args.contextValue as { req?: http.IncomingMessage; request?: IncomingRequest } & TrustedRunContext;
      // The request's own span stands for its (first) operation: one span, not two, per
      // request, named after the operation. A second operation of a batch, or one run
      // without an HTTP request (a trigger, a sync run), gets a span of its own.
      const request = requestSpanOf(context.req);
      const claimed = request && !request.claimed ? request : undefined;
      if (claimed) claimed.claimed = true;
      if (claimed && !claimed.span.isRecording()) {
        // The sampler left the request out: its operation only passes the trace on.
        extendContext({ trace: new TraceScope(tracing, claimed.context) });
        return undefined;
      }
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'query';
      const name = operation?.name?.value;
      const attributes: Attributes = { [SEMCONV.graphqlOperationType]: type };
      if (name) attributes[SEMCONV.graphqlOperationName] = name;
      if (context.request) attributes[REQUEST_ID_ATTRIBUTE] = requestIdOf(context.request);
      const spanName = name ? `${type} ${name}` : type;
      let span: Span;
      let spanContext: Context;
      if (claimed) {
        ({ span, context: spanContext } = claimed);
        span.updateName(spanName);
        span.setAttributes(attributes);
      } else {
        // A run of the gateway's own continues the trace its headers carry (a sync job's, a trigger's).
        const parent = request?.context ?? (context.trustedHeaders ? tracing.extract(context.trustedHeaders) : ROOT_CONTEXT);
        ({ span, context: spanContext } = tracing.start(spanName, { attributes }, parent));
      }
      const owned = !claimed;
      extendContext({ trace: new TraceScope(tracing, spanContext) });
      return {
        onExecuteDone({ result }) {
          const errors = Symbol.asyncIterator in result ? [] : (result.errors ?? []);
          if (errors.length > 0) {
            const where = errors.map((error) => `${codeOf(error)}${error.path ? ` at ${error.path.join('.')}` : ''}`);
            span.setAttribute(SEMCONV.errorType, codeOf(errors[0]));
            span.setStatus({ code: SpanStatusCode.ERROR, message: where.join('; ') });
          }
          // The request span ends with the HTTP answer (request-span.ts).
          if (owned) span.end();
        },
      };
    },
  };
}

/**
 * An error's code. The span ends before error masking has run (its hook was first in), so
 * an error a resolver threw unexpectedly is named as masking will name it.
 */
function codeOf(error: GraphQLError): string {
  const code = error.extensions?.code;
  if (typeof code === 'string') return code;
  return error.originalError && !isGraphQLError(error.originalError) ? 'INTERNAL_SERVER_ERROR' : 'GRAPHQL_ERROR';
}
