/**
 * Templates such as `/orders/{id}`, `Bearer {env.TOKEN}` or `{input.address.city}`:
 * literal text with placeholders naming a dotted path into a set of values. They are
 * parsed once when the schema is built and rendered on every call.
 */
export interface Template {
  readonly text: string;
  /** The dotted paths named by the placeholders, in order, e.g. [['input', 'id']]. */
  readonly placeholders: readonly (readonly string[])[];
  /** The template is one placeholder and nothing else, so a list value can be kept a list. */
  readonly isSinglePlaceholder: boolean;
  /** Renders with `encode` applied to each filled-in value; undefined if every placeholder is empty. */
  render(values: Readonly<Record<string, unknown>>, encode?: (value: string) => string): string | undefined;
  /** The value of the only placeholder, unconverted (for list query parameters and bodies). */
  valueOf(values: Readonly<Record<string, unknown>>): unknown;
}

type Part = string | readonly string[];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parses a template; throws an Error naming the bad placeholder. */
export function parseTemplate(text: string): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const inner = match[1].trim();
    if (!PATH.test(inner)) {
      throw new Error(`"{${match[1]}}" in template "${text}" is not a placeholder; expected {name} or {name.field}`);
    }
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(inner.split('.'));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const stray = parts.find((part) => typeof part === 'string' && /[{}]/.test(part));
  if (stray !== undefined) throw new Error(`template "${text}" has an unmatched brace`);

  const placeholders = parts.filter((part): part is readonly string[] => typeof part !== 'string');
  const isSinglePlaceholder = parts.length === 1 && placeholders.length === 1;
  return {
    text,
    placeholders,
    isSinglePlaceholder,
    render(values, encode = identity) {
      if (placeholders.length === 0) return text;
      let out = '';
      let filled = false;
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = lookup(values, part);
        if (value === undefined || value === null) continue;
        filled = true;
        out += encode(stringify(value));
      }
      return filled ? out : undefined;
    },
    valueOf(values) {
      return placeholders.length === 1 ? lookup(values, placeholders[0]) : this.render(values);
    },
  };
}

/** `{jwt.sub}` or `{jwt.claims.<name>…}`: what a verified token proved about the caller. */
export function isJwtPath(path: readonly string[]): boolean {
  return path[0] === 'jwt' && ((path[1] === 'sub' && path.length === 2) || (path[1] === 'claims' && path.length > 2));
}

/** Reads a dotted path; undefined as soon as a step is missing. */
export function lookup(values: unknown, path: readonly string[]): unknown {
  let current = values;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringify(value: unknown): string {
  if (Array.isArray(value)) return value.map(stringify).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function identity(value: string): string {
  return value;
}
