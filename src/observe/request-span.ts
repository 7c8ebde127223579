import type http from 'node:http';
import { SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { Tracing } from './tracing.js';
import { SEMCONV } from './attributes.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** Each traced request's span, as the parent of its GraphQL operations. */
const requestSpans = new WeakMap<http.IncomingMessage, Context>();

/**
 * The request span of one route: a SERVER span per HTTP request, continuing the client's
 * trace when its `traceparent` parses (else a new trace), named `METHOD route` and ended
 * when the answer is sent (or the connection closes) with its status; 5xx marks it an
 * error. The path is recorded without its query string, which may carry credentials.
 */
export function traceRequests(tracing: Tracing, route: string, handle: Handler): Handler {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const parent = tracing.extract(req.headers);
    const { span, context } = tracing.start(
      `${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [SEMCONV.httpRequestMethod]: method,
          [SEMCONV.httpRoute]: route,
          [SEMCONV.urlPath]: (req.url ?? '/').split('?')[0],
          [SEMCONV.urlScheme]: 'http',
          ...(req.headers['user-agent'] ? { [SEMCONV.userAgentOriginal]: req.headers['user-agent'] } : {}),
          ...(req.socket.remoteAddress ? { [SEMCONV.clientAddress]: req.socket.remoteAddress } : {}),
        },
      },
      parent,
    );
    requestSpans.set(req, context);
    res.once('close', () => {
      const status = res.headersSent ? res.statusCode : 0;
      if (status > 0) span.setAttribute(SEMCONV.httpResponseStatusCode, status);
      if (status >= 500 || status === 0) {
        span.setAttribute(SEMCONV.errorType, status > 0 ? String(status) : 'connection closed');
        span.setStatus({ code: SpanStatusCode.ERROR, message: status > 0 ? `HTTP ${status}` : 'the connection closed before an answer was sent' });
      }
      span.end();
    });
    return handle(req, res);
  };
}

/** The context of the request's span, when the request was traced. */
export function requestSpanOf(req: http.IncomingMessage | undefined): Context | undefined {
  return req ? requestSpans.get(req) : undefined;
}
