/**
 * JSON pointers (RFC 6901) as OpenAPI uses them in `$ref`: `#/components/schemas/Pet`.
 * The importer keeps pointers to everything it reads, so a message can say where.
 */

/** `['paths', '/pets/{id}', 'get']` → `#/paths/~1pets~1{id}/get`. */
export function pointerOf(path: readonly (string | number)[]): string {
  return `#${path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`;
}

/** `#/components/schemas/Pet` → `['components', 'schemas', 'Pet']`; undefined for a ref into another document. */
export function segmentsOf(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  const body = safeDecode(ref.slice(1));
  if (body === '') return [];
  if (!body.startsWith('/')) return undefined;
  return body
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** What a local pointer names in `document`, or how far it got before it stopped. */
export type Resolution =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly missing: string; readonly parent: readonly string[] };

/** Follows a local pointer (`#/…`) through `document`, one segment at a time. */
export function resolvePointer(document: unknown, segments: readonly string[]): Resolution {
  let current = document;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { found: false, missing: segment, parent: segments.slice(0, i) };
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

function safeDecode(text: string): string {
  // A fragment may be percent-encoded (`#/paths/~1pets~1%7Bid%7D`); a stray % is taken literally.
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
