import type http from 'node:http';
import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { Tracing } from './tracing.js';
import { SEMCONV } from './attributes.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** A traced request's span, and whether a GraphQL operation has taken it as its own. */
export interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
  /** Set by the first operation of the request, which the span then stands for. */
  claimed: boolean;
}

/**
 * Where a traced request keeps its span, for the GraphQL operations it runs: a property of
 * the request, not a WeakMap entry, which costs a young request an ephemeron write barrier
 * and the next young-generation collection ephemeron work.
 */
const REQUEST_SPAN = Symbol('skein.requestSpan');
type TracedRequest = http.IncomingMessage & { [REQUEST_SPAN]?: RequestSpan };

/**
 * The request span of one route: a SERVER span per HTTP request, continuing the client's
 * trace when its `traceparent` parses (else a new trace), named `METHOD route` and ended
 * when the answer is sent (or the connection closes) with its status; 5xx marks it an
 * error. The path is recorded without its query string, which may carry credentials.
 * A request the sampler leaves out gets its (unrecorded) span and nothing more: its
 * context still travels upstream, and there is nothing to record or end.
 */
export function traceRequests(tracing: Tracing, route: string, handle: Handler): Handler {
  return (req, res) => {
    const method = req.method ?? 'GET';
    // Skein's samplers (the standard ones) decide without attributes: they are added once a span records.
    const { span, context } = tracing.start(`${method} ${route}`, { kind: SpanKind.SERVER }, tracing.extract(req.headers));
    (req as TracedRequest)[REQUEST_SPAN] = { span, context, claimed: false };
    if (span.isRecording()) {
      span.setAttributes(requestAttributes(req, method, route));
      // `on`, not `once`: 'close' comes once, and a once-listener costs its removal on every request.
      res.on('close', () => endRequestSpan(span, res));
    }
    return handle(req, res);
  };
}

function requestAttributes(req: http.IncomingMessage, method: string, route: string): Attributes {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const attributes: Attributes = {
    [SEMCONV.httpRequestMethod]: method,
    [SEMCONV.httpRoute]: route,
    [SEMCONV.urlPath]: query < 0 ? url : url.slice(0, query),
    [SEMCONV.urlScheme]: 'http',
  };
  const userAgent = req.headers['user-agent'];
  if (userAgent) attributes[SEMCONV.userAgentOriginal] = userAgent;
  if (req.socket.remoteAddress) attributes[SEMCONV.clientAddress] = req.socket.remoteAddress;
  return attributes;
}

function endRequestSpan(span: Span, res: http.ServerResponse): void {
  const status = res.headersSent ? res.statusCode : 0;
  if (status > 0) span.setAttribute(SEMCONV.httpResponseStatusCode, status);
  if (status >= 500 || status === 0) {
    span.setAttribute(SEMCONV.errorType, status > 0 ? String(status) : 'connection closed');
    span.setStatus({ code: SpanStatusCode.ERROR, message: status > 0 ? `HTTP ${status}` : 'the connection closed before an answer was sent' });
  }
  span.end();
}

/** The request's span, when the request was traced. */
export function requestSpanOf(req: http.IncomingMessage | undefined): RequestSpan | undefined {
  return (req as TracedRequest | undefined)?.[REQUEST_SPAN];
}
