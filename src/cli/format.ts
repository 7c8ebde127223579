/** Small helpers the verbs share for readable output and option values. */

/** `1 operation`, `3 operations`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `0.07 s`, `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A commander option that may be repeated or comma-separated: `--query a,b --query c`. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

/**
 * A one-field Query added when an importer checks that its output builds: a source with
 * only mutations is valid SDL, but a schema needs a Query from some source.
 */
export const IMPORT_CHECK_QUERY = {
  path: '<import check>',
  text: `extend schema @source(name: "skeinImportCheck", kind: REST, url: "http://localhost")
type Query { skeinImportCheck: JSON @rest(source: "skeinImportCheck", path: "/") }`,
};
