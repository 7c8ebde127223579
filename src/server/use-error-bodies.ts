import type { GatewayPlugin } from './gateway-plugin.js';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';

/** What yoga answers with an empty body, said in words a client can act on. */
const EXPLAINED: Record<number, { code: string; message: (request: Request) => string }> = {
  406: {
    code: 'NOT_ACCEPTABLE',
    message: (request) =>
      `/graphql answers application/json, application/graphql-response+json, text/event-stream or multipart/mixed; ` +
      `the request accepts only ${request.headers.get('accept') ?? 'none of them'}`,
  },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: (request) =>
      `/graphql reads application/json (or application/graphql+json, form data, or a GET query string); ` +
      `the request sent ${request.headers.get('content-type') ?? 'no Content-Type'}`,
  },
};

/**
 * Every 4xx of /graphql carries a JSON body that says what was wrong. yoga answers an
 * unreadable Content-Type (415) or an Accept it cannot meet (406) with an empty body; this
 * gives them one, with a code and the request id. yoga's door only: the fast lane serves
 * JSON requests that accept JSON, which never get either.
 */
export function useErrorBodies(): GatewayPlugin {
  return {
    name: 'error-bodies',
    onResponse({ request, response, setResponse, fetchAPI }) {
      const explained = EXPLAINED[response.status];
      if (!explained || response.headers.get('content-type')) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      headers.set(REQUEST_ID_HEADER, requestIdOf(request));
      const body = JSON.stringify({ errors: [{ message: explained.message(request), extensions: { code: explained.code } }] });
      setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
    },
  };
}
