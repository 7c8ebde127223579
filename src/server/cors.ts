import type http from 'node:http';
import type { RouteHandler } from './http-server.js';

/** How long a browser may keep a preflight's answer, in seconds (Chrome keeps at most 7200). */
export const PREFLIGHT_MAX_AGE_SECONDS = 3600;

/**
 * Response headers a page may read besides the CORS-safelisted ones: the request id to
 * quote in a report, and when to retry after 429.
 */
const EXPOSED_HEADERS = 'x-request-id, retry-after, age';

/** Wraps a public route's handler so it answers CORS alike: `cors(handler, ['GET', 'POST'])`. */
export type CorsWrapper = (handler: RouteHandler, methods: readonly string[]) => RouteHandler;

/**
 * CORS for every public endpoint (/graphql, /api, /soap), one implementation.
 * `origins` is `--cors-origins`: empty, no origin is allowed (same origin only); `*`, any
 * (without credentials); else the listed origins, with credentials.
 *
 * - A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here
 *   and never reaches the handler: 204 with Allow-Origin, Allow-Methods (the route's),
 *   Allow-Headers (those asked for) and Max-Age when the origin is allowed; 403
 *   CORS_ORIGIN_NOT_ALLOWED, without CORS headers, when it is not (the browser then
 *   refuses the request; the body tells whoever reads it with curl why).
 * - Any other request from an allowed origin gets Allow-Origin (and Allow-Credentials,
 *   Expose-Headers) on its answer; from another origin, no CORS header.
 * - Answers say `Vary: Origin` when they depend on it (a list of origins).
 *
 * A request without Origin (a program, or a same-origin GET) costs one header read.
 */
export function createCors(origins: readonly string[]): CorsWrapper {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const varies = !any && allowed.size > 0;
  const isAllowed = (origin: string) => any || allowed.has(origin);

  return (handler, methods) => {
    const allowMethods = methods.join(', ');
    return (req, res) => {
      const origin = req.headers.origin;
      if (origin === undefined) {
        if (varies) res.setHeader('vary', 'Origin');
        return handler(req, res);
      }
      if (isPreflight(req)) return answerPreflight(req, res, origin, isAllowed(origin), { any, varies, allowMethods, none: allowed.size === 0 });
      if (varies) res.setHeader('vary', 'Origin');
      if (isAllowed(origin)) {
        res.setHeader('access-control-allow-origin', any ? '*' : origin);
        if (!any) res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      }
      return handler(req, res);
    };
  };
}

/** A CORS preflight: what a browser sends before a request a page may not send unasked. */
export function isPreflight(req: http.IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}

function answerPreflight(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  origin: string,
  allowed: boolean,
  how: { readonly any: boolean; readonly varies: boolean; readonly allowMethods: string; readonly none: boolean },
): void {
  // Preflights are answered per origin even under `*`: caches must not mix them.
  res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  if (!allowed) {
    const why = how.none
      ? `CORS is off, so no page from another origin may call this gateway; start it with --cors-origins ${origin} (SKEIN_CORS_ORIGINS) to allow this one`
      : `the origin ${origin} is not one of --cors-origins (SKEIN_CORS_ORIGINS); add it to allow its pages to call this gateway`;
    const body = JSON.stringify({ errors: [{ message: why, extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED' } }] });
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const headers: Record<string, string> = {
    'access-control-allow-origin': how.any ? '*' : origin,
    'access-control-allow-methods': how.allowMethods,
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    'content-length': '0',
  };
  if (!how.any) headers['access-control-allow-credentials'] = 'true';
  const asked = req.headers['access-control-request-headers'];
  if (asked) headers['access-control-allow-headers'] = asked;
  res.writeHead(204, headers);
  res.end();
}
