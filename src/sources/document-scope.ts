import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a source may read the documents it names: its WSDL, and every WSDL and XSD that
 * one imports or includes (an OpenAPI upload's `$ref`s too).
 *
 * - `{ folder }`: files inside this folder, named by relative paths that stay inside it,
 *   and http(s) URLs. A source from a schema folder gets that folder; a registry source
 *   the folder its uploaded files were written to.
 * - `'urls'`: http(s) URLs only (an upload with no files beside it).
 * - `'anywhere'`: any local file too. Only for the operator's own shell (`skein import`,
 *   the check it runs on what it wrote), never for what a gateway reads for a source.
 */
export type DocumentScope = { readonly folder: string } | 'urls' | 'anywhere';

/** A location a source may not read. Its message says nothing about the file (whether it exists, what it holds). */
export class DocumentRefused extends Error {}

const URL_PATTERN = /^https?:\/\//i;
/** `file:`, `data:`, `ftp:`… — but not a Windows drive letter such as `C:\`. */
const SCHEME_PATTERN = /^[a-z][a-z0-9+.-]+:/i;

/**
 * The one door through which a source's documents are located: `location` as written in
 * `base` (the document or schema file that names it, an absolute path or an http(s) URL),
 * resolved to the absolute path or URL to read, or refused before anything is opened.
 * A document read from a URL may only name other http(s) URLs, whatever the scope.
 */
export function resolveDocument(location: string, base: string, scope: DocumentScope): string {
  if (URL_PATTERN.test(location)) return location;
  if (URL_PATTERN.test(base)) {
    const resolved = new URL(location, base);
    if (resolved.protocol === 'http:' || resolved.protocol === 'https:') return resolved.toString();
    throw new DocumentRefused(`"${location}" is not an http(s) URL, and a document read from a URL may only name other http(s) URLs`);
  }
  if (scope === 'anywhere') {
    if (location.startsWith('file:')) return fileURLToPath(location);
    if (SCHEME_PATTERN.test(location)) throw new DocumentRefused(`"${location}" is neither a file nor an http(s) URL`);
    return path.resolve(path.dirname(base), location);
  }
  if (scope === 'urls' || SCHEME_PATTERN.test(location) || path.isAbsolute(location) || location.includes('\0')) {
    throw new DocumentRefused(refusal(location, scope));
  }
  const resolved = path.resolve(path.dirname(base), location);
  const folder = path.resolve(scope.folder);
  if (!resolved.startsWith(folder + path.sep)) throw new DocumentRefused(refusal(location, scope));
  return resolved;
}

export function isHttpUrl(location: string): boolean {
  return URL_PATTERN.test(location);
}

function refusal(location: string, scope: DocumentScope): string {
  return scope === 'urls'
    ? `"${location}" is not an http(s) URL; this source has no files of its own, so it may read documents only from http(s) URLs`
    : `"${location}" is outside this source's folder; a source reads documents only from its own folder (relative paths that stay inside it) or from http(s) URLs`;
}
