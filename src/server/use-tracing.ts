import type http from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import { requestSpanOf, SEMCONV, TraceScope, type Tracing } from '../observe/index.js';
import type { IncomingRequest } from '../sources/index.js';
import { isGraphQLError } from './finish-result.js';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { TrustedRunContext } from './trusted-run.js';
import { requestIdOf } from './request-id.js';

export const REQUEST_ID_ATTRIBUTE = 'skein.request_id';
/** An event's number in its subscription, from 1. */
export const SUBSCRIPTION_EVENT_ATTRIBUTE = 'skein.subscription.event';

type OperationContext = { req?: http.IncomingMessage; request?: IncomingRequest } & TrustedRunContext;

/** A traced operation: the scope its work starts spans under, and its span when it is recorded. */
interface OperationTrace {
  readonly scope: TraceScope;
  /** Absent when the sampler left the operation out: it only passes its trace on. */
  readonly recorded?: {
    readonly span: Span;
    /** Whether the operation ends its span (else its request's answer does, request-span.ts). */
    readonly owned: boolean;
    readonly spanName: string;
    /** The operation's type and name, as its events' spans carry them. */
    readonly type: string;
    readonly operationName: string | undefined;
  };
}

/** A recorded subscription, as its events' spans are named and numbered. */
interface SubscriptionTrace {
  readonly operation: NonNullable<OperationTrace['recorded']>;
  events: number;
}

/**
 * A span per GraphQL operation (`query hotelOrder`), under its HTTP request's span, in
 * both doors of /graphql and for the documents /api, /soap and /mcp run. The operation
 * carries a `TraceScope` in its context, under which composite steps and upstream calls
 * start their spans. A subscription's span lasts as long as it does, and each of its
 * events gets a span under it (`subscription orderPlaced event`, numbered), under which
 * that event's upstream calls go. Errors are recorded by code and path, never by message
 * (a message may quote a variable's value). Only in the pipeline when tracing is on.
 */
export function useTracing(tracing: Tracing): GatewayPlugin {
  const subscriptions = new WeakMap<TraceScope, SubscriptionTrace>();

  const begin = (document: DocumentNode, operationName: string | null | undefined, context: OperationContext): OperationTrace => {
    // The request's own span stands for its (first) operation: one span, not two, per
    // request, named after the operation. A second operation of a batch, one run without an
    // HTTP request (a trigger, a sync run), or one over a socket gets a span of its own.
    const request = requestSpanOf(context.req);
    const claimed = request && !request.claimed ? request : undefined;
    if (claimed) claimed.claimed = true;
    // The sampler left the request out: its operation only passes the trace on.
    if (claimed && !claimed.span.isRecording()) return { scope: new TraceScope(tracing, claimed.context) };
    const operation = getOperationAST(document, operationName);
    const type = operation?.operation ?? 'query';
    const name = operation?.name?.value;
    const attributes = operationAttributes(type, name);
    if (context.request) attributes[REQUEST_ID_ATTRIBUTE] = requestIdOf(context.request);
    const spanName = name ? `${type} ${name}` : type;
    let span: Span;
    let spanContext: Context;
    if (claimed) {
      ({ span, context: spanContext } = claimed);
      span.updateName(spanName);
      span.setAttributes(attributes);
    } else {
      // A socket's operation continues the trace of its upgrade request; a run of the
      // gateway's own, the trace its headers carry (a sync job's, a trigger's).
      const parent = request?.context ?? (context.req ? tracing.extract(context.req.headers) : context.trustedHeaders ? tracing.extract(context.trustedHeaders) : ROOT_CONTEXT);
      const kind = !request && context.req ? SpanKind.SERVER : SpanKind.INTERNAL;
      ({ span, context: spanContext } = tracing.start(spanName, { kind, attributes }, parent));
      if (!span.isRecording()) return { scope: new TraceScope(tracing, spanContext) };
    }
    return { scope: new TraceScope(tracing, spanContext), recorded: { span, owned: !claimed, spanName, type, operationName: name } };
  };

  return {
    name: 'tracing',
    onExecute({ args, extendContext }) {
      const { scope, recorded } = begin(args.document, args.operationName, args.contextValue as OperationContext);
      extendContext({ trace: scope });
      if (!recorded) return undefined;
      return {
        onExecuteDone({ result }) {
          if (!(Symbol.asyncIterator in result)) recordErrors(recorded.span, result);
          if (recorded.owned) recorded.span.end();
        },
      };
    },
    onSubscribe({ args, extendContext }) {
      const { scope, recorded } = begin(args.document, args.operationName, args.contextValue as OperationContext);
      extendContext({ trace: scope });
      if (!recorded) return undefined;
      subscriptions.set(scope, { operation: recorded, events: 0 });
      return {
        onSubscribeResult({ result }) {
          if (Symbol.asyncIterator in result) return recorded.owned ? { onEnd: () => recorded.span.end() } : undefined;
          // Refused as it subscribed.
          recordErrors(recorded.span, result);
          if (recorded.owned) recorded.span.end();
          return undefined;
        },
      };
    },
    onSubscriptionEvent(context) {
      const scope = context.trace as TraceScope | undefined;
      const subscription = scope && subscriptions.get(scope);
      if (!subscription) return undefined;
      const { operation } = subscription;
      const attributes = operationAttributes(operation.type, operation.operationName);
      attributes[SUBSCRIPTION_EVENT_ATTRIBUTE] = ++subscription.events;
      const event = scope.start(`${operation.spanName} event`, { attributes }, scope.context);
      return {
        extendContext: { trace: new TraceScope(tracing, event.context) },
        onEventDone(result) {
          recordErrors(event.span, result);
          event.span.end();
        },
      };
    },
  };
}

function operationAttributes(type: string, name: string | undefined): Attributes {
  const attributes: Attributes = { [SEMCONV.graphqlOperationType]: type };
  if (name) attributes[SEMCONV.graphqlOperationName] = name;
  return attributes;
}

/** Marks `span` an error, by the codes and paths of the result's errors, when it has any. */
function recordErrors(span: Span, result: ExecutionResult): void {
  const errors = result.errors ?? [];
  if (errors.length === 0) return;
  const where = errors.map((error) => `${codeOf(error)}${error.path ? ` at ${error.path.join('.')}` : ''}`);
  span.setAttribute(SEMCONV.errorType, codeOf(errors[0]));
  span.setStatus({ code: SpanStatusCode.ERROR, message: where.join('; ') });
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
