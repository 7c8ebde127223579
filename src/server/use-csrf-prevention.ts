import { useCSRFPrevention as csrfPlugin } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError } from 'graphql-yoga';
import { isBrowserRequest, type GatewayPlugin } from './gateway-plugin.js';

/** Headers that mark a request as one a page could not send cross-site without a preflight. */
export const CSRF_HEADERS = ['x-skein-csrf', 'x-graphql-yoga-csrf', 'apollo-require-preflight'];

/**
 * CSRF prevention for browser requests. A browser sends some requests cross-site
 * without a CORS preflight ("simple" ones: GET, and POST as form or text/plain); such a
 * request to /graphql must carry one of CSRF_HEADERS, or it is refused with 403. The
 * check is yoga's plugin; it is applied to requests a browser made (they carry
 * `Sec-Fetch-Site` or `Origin`) and not sent from the gateway's own origin, so curl,
 * servers and GraphiQL (same origin, JSON) are not affected; and so the fast lane, which
 * serves no browser request, honours it without running it.
 */
export function useCsrfPrevention(): GatewayPlugin {
  const check = csrfPlugin({ requestHeaders: CSRF_HEADERS }).onRequestParse!;
  return {
    name: 'csrf-prevention',
    browserOnly: true,
    onRequestParse(payload) {
      const headers = payload.request.headers;
      if (!isBrowserRequest(headers) || headers.get('sec-fetch-site') === 'same-origin') return;
      // A preflight is CORS's business (cors.ts answers it before the pipeline), not a forgery.
      if (payload.request.method === 'OPTIONS' && headers.get('access-control-request-method') !== null) return;
      try {
        return check(payload as never);
      } catch {
        throw createGraphQLError(
          `A browser request that skips the CORS preflight (GET, or a form or text/plain POST) needs one of the headers ${CSRF_HEADERS.join(', ')}, to prove it is not cross-site request forgery`,
          { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } },
        );
      }
    },
  };
}
