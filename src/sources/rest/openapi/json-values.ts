/**
 * Reading an OpenAPI document's parsed JSON without trusting its shape: a field that
 * should be an object, a list or a text, and is not, reads as empty instead of throwing.
 * The validator reports what is malformed; the mapping only needs to keep going.
 */
export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-blank string, trimmed; undefined otherwise. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
