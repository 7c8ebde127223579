/**
 * Turning upstream names (operationIds, schema names, XSD element names, enum values)
 * into valid, readable GraphQL names. Both importers use these, so the same upstream
 * name always becomes the same GraphQL name.
 */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** True when `name` may be used as is. Names starting with `__` are reserved by GraphQL. */
export function isValidGraphQLName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}

/** `get-user_by id` → `getUserById`, `+1` → `plus1`: for fields and arguments. */
export function fieldName(raw: string): string {
  const words = wordsOf(spellSign(raw));
  if (words.length === 0) return '_';
  const [first, ...rest] = words;
  return safeStart(lowerFirst(first) + rest.map(upperFirst).join(''));
}

/** `user-profile.v2` → `UserProfileV2`: for types. */
export function typeName(raw: string): string {
  const words = wordsOf(raw);
  return words.length === 0 ? '_' : safeStart(words.map(upperFirst).join(''));
}

/** `in-stock` → `IN_STOCK`, `+1` → `PLUS_1`: for enum values. `true`, `false` and `null` are not allowed. */
export function enumValueName(raw: string): string {
  const words = wordsOf(spellSign(raw));
  let name = words.length === 0 ? 'EMPTY' : safeStart(words.map((w) => w.toUpperCase()).join('_'));
  if (name === 'TRUE' || name === 'FALSE' || name === 'NULL') name = `${name}_`;
  return name;
}

/**
 * Hands out unique names in one namespace. A name already taken gets the lowest free
 * numeric suffix (`user`, `user2`, `user3`); feed candidates in a stable order (sorted
 * by path or operationId) and the result is deterministic.
 */
export class NameRegistry {
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.#taken.add(name);
  }

  claim(candidate: string): string {
    let name = candidate;
    for (let n = 2; this.#taken.has(name); n++) name = `${candidate}${n}`;
    this.#taken.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.#taken.has(name);
  }
}

// A leading sign carries meaning (GitHub's `+1` and `-1` reactions): spell it, or both become `_1`.
function spellSign(raw: string): string {
  return raw.replace(/^\+/, 'plus ').replace(/^-(?=\d)/, 'minus ');
}

function wordsOf(raw: string): string[] {
  return raw
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function safeStart(name: string): string {
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function upperFirst(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

function lowerFirst(word: string): string {
  // Keep acronyms readable: `URLParser` → `urlParser`, `ID` → `id`.
  return /^[A-Z0-9]+$/.test(word) ? word.toLowerCase() : word[0].toLowerCase() + word.slice(1);
}
