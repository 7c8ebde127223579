import type { RouteHandler } from '../http-server.js';
import { builtConsole, type ConsoleFiles } from './console-files.js';
import { securityHeaders, sendConsoleFile } from './send-console-file.js';

/** Where the console is served: its page at /console, its files under /console/. */
export const CONSOLE_PATH = '/console';

/**
 * The console's route: its page and its built files, nothing else. The page talks to the
 * admin API (/admin/graphql) with the token it is given, like the CLI; this route itself
 * holds no data and checks nothing.
 */
export function createConsoleHandler(files: () => ConsoleFiles | undefined = builtConsole): RouteHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, `the console is read with GET or HEAD, not ${req.method}`, { allow: 'GET, HEAD' });
      return;
    }
    const built = files();
    if (!built) {
      reply(res, 503, 'the console has not been built: run `npm run build` (it writes dist/console)');
      return;
    }
    const raw = (req.url ?? '/').split('?')[0].slice(CONSOLE_PATH.length + 1);
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      reply(res, 400, `${req.url} is not a valid URL path (a malformed %-escape)`);
      return;
    }
    // The page answers at /console and /console/; every other name must be a built file.
    const file = built.get(name === '' ? 'index.html' : name);
    if (!file || file.name === 'explorer.html') {
      reply(res, 404, `the console has no file ${JSON.stringify(name)}; open ${CONSOLE_PATH}`);
      return;
    }
    sendConsoleFile(req, res, file);
  };
}

function reply(res: Parameters<RouteHandler>[1], status: number, message: string, extra: Record<string, string> = {}): void {
  const text = `${message}\n`;
  res.writeHead(status, {
    ...securityHeaders(),
    ...extra,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
