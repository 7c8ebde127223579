import type http from 'node:http';
import type { ConsoleFile } from './console-files.js';

/**
 * The console's pages allow scripts and styles from this origin only, talk to this
 * origin only, and cannot be framed. Inline styles stay allowed: the flow drawing carries
 * its style on each element (style attributes), and React sets some.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every console response carries, whatever it holds. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** The encodings a client accepts, brotli first (smaller), by its Accept-Encoding header (q=0 refuses). */
export function preferredEncoding(header: string | undefined, file: ConsoleFile): 'br' | 'gzip' | undefined {
  const accepted = new Set(
    (header ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)))
      .map(([coding]) => coding),
  );
  if (file.br && accepted.has('br')) return 'br';
  if (file.gzip && accepted.has('gzip')) return 'gzip';
  return undefined;
}

/**
 * Sends a built file: precompressed when the client takes it (`Vary: Accept-Encoding`),
 * hashed assets cached for a year, pages revalidated (`no-cache`) with an ETag so a
 * second visit costs a 304.
 */
export function sendConsoleFile(req: http.IncomingMessage, res: http.ServerResponse, file: ConsoleFile): void {
  const encoding = preferredEncoding(req.headers['accept-encoding'] as string | undefined, file);
  const body = encoding === 'br' ? file.br! : encoding === 'gzip' ? file.gzip! : file.body;
  const headers: Record<string, string | number> = {
    ...securityHeaders(),
    'content-type': file.contentType,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    vary: 'Accept-Encoding',
    etag: file.etag,
  };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * For a page another route renders (GraphiQL at /graphql and /admin/graphql, served by
 * yoga): the console's security headers, and revalidation on every visit (the page is
 * small; the scripts it loads are the cached, hashed assets).
 */
export function setPageHeaders(res: http.ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
  res.setHeader('cache-control', 'no-cache');
}
