import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run build` puts the console's files (scripts/build-console.js): dist/console, from src/ or dist/. */
export const CONSOLE_BUILD_DIR = path.resolve(import.meta.dirname, '../../../dist/console');

/** A built file and the precompressed copies written beside it at build time. */
export interface ConsoleFile {
  /** Its path under the build folder, with `/` separators: `assets/console-3f2a.js`. */
  readonly name: string;
  readonly contentType: string;
  /** Hashed names never change content: cached for a year. Pages are revalidated each time. */
  readonly immutable: boolean;
  /** A strong validator of the content, quoted as the ETag header wants it. */
  readonly etag: string;
  readonly body: Buffer;
  readonly br?: Buffer;
  readonly gzip?: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The console's built files, read once into memory. Only the files listed here are ever
 * served: a request names an entry of this map or gets 404, so no path a client writes
 * (`..`, encoded slashes, absolute paths) can reach another file.
 */
export class ConsoleFiles {
  readonly #files: ReadonlyMap<string, ConsoleFile>;

  private constructor(files: ReadonlyMap<string, ConsoleFile>) {
    this.#files = files;
  }

  /** Reads the build folder; undefined when the console has not been built. */
  static load(dir: string): ConsoleFiles | undefined {
    if (!existsSync(path.join(dir, 'index.html'))) return undefined;
    const files = new Map<string, ConsoleFile>();
    for (const name of listFiles(dir)) {
      const extension = path.extname(name);
      if (extension === '.br' || extension === '.gz' || name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const sibling = (suffix: string) => (existsSync(full + suffix) ? readFileSync(full + suffix) : undefined);
      const body = readFileSync(full);
      files.set(name, {
        name,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
        immutable: name.startsWith('assets/'),
        body,
        br: sibling('.br'),
        gzip: sibling('.gz'),
      });
    }
    return new ConsoleFiles(files);
  }

  get(name: string): ConsoleFile | undefined {
    return this.#files.get(name);
  }

  /** Every served name (for tests and diagnostics). */
  names(): string[] {
    return [...this.#files.keys()];
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const name = prefix ? `${prefix}/${entry}` : entry;
    return statSync(path.join(dir, entry)).isDirectory() ? listFiles(path.join(dir, entry), name) : [name];
  });
}

let loaded: ConsoleFiles | undefined;

/**
 * The built console of this installation, read on the first request that needs it (a
 * gateway nobody browses keeps no copy in memory); undefined, and tried again next time,
 * while it has not been built.
 */
export function builtConsole(): ConsoleFiles | undefined {
  return (loaded ??= ConsoleFiles.load(CONSOLE_BUILD_DIR));
}
