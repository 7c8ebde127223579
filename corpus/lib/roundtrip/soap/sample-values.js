// Deterministic sample values for XSD simple types, each with the value a GraphQL client
// must get back for it (README of src/sources/soap, "XSD → GraphQL"): numbers for Int and
// Float, a string of digits for Long, a boolean, the text of dates and of everything else,
// and { enum: wireValue } for an enumeration, which the comparison resolves through the
// served enum type's @wire names.

const INT = new Set(['int', 'short', 'byte', 'unsignedShort', 'unsignedByte']);
const LONG = new Set(['long', 'integer', 'unsignedInt', 'unsignedLong', 'positiveInteger', 'nonNegativeInteger']);
const NEGATIVE = new Set(['negativeInteger', 'nonPositiveInteger']);
const FLOAT = new Set(['decimal', 'float', 'double']);
const NAME_LIKE = new Set(['Name', 'NCName', 'ID', 'IDREF', 'ENTITY', 'NMTOKEN', 'QName', 'NOTATION']);
const TOKEN_LISTS = new Set(['NMTOKENS', 'IDREFS', 'ENTITIES']);

/**
 * The n-th sample of a simple shape (dist/sources/soap/xsd/shapes.js) at `path`:
 * { text: what goes on the wire, expected: what the GraphQL answer must hold }.
 */
export function sampleValue(shape, path, n) {
  if (shape.list) {
    const items = [one({ ...shape, list: false }, path, n), one({ ...shape, list: false }, path, n + 1)];
    return { text: items.map((i) => i.text).join(' '), expected: items.map((i) => i.expected) };
  }
  return one(shape, path, n);
}

function one(shape, path, n) {
  if (shape.enumeration?.length) {
    const value = shape.enumeration[n % shape.enumeration.length].value;
    return { text: value, expected: { enum: value } };
  }
  const b = shape.builtin;
  const day = String((n % 28) + 1).padStart(2, '0');
  if (INT.has(b)) return number((n % 100) + 1);
  if (LONG.has(b)) {
    // Past 2^53 where the type allows it, so a Long that went through a double shows.
    const digits = b === 'unsignedInt' ? String(4_000_000_000 + n) : String(9_007_199_254_740_993n + BigInt(n) * 2n);
    return { text: digits, expected: digits };
  }
  if (NEGATIVE.has(b)) return text(`-${9_007_199_254_740_993n + BigInt(n) * 2n}`);
  if (FLOAT.has(b)) return number(n + 0.5);
  // Both lexical forms XSD allows: true/false and 1/0.
  if (b === 'boolean') return { text: ['true', 'false', '1', '0'][n % 4], expected: n % 2 === 0 };
  if (b === 'date') return text(`2026-03-${day}`);
  if (b === 'dateTime') return text(`2026-03-${day}T10:20:30+01:00`);
  if (b === 'time') return text(`10:20:${String(n % 60).padStart(2, '0')}`);
  if (b === 'duration') return text(`P${n + 1}DT2H`);
  if (b === 'gYear') return text('2026');
  if (b === 'gYearMonth') return text('2026-03');
  if (b === 'gMonth') return text('--03');
  if (b === 'gDay') return text(`---${day}`);
  if (b === 'gMonthDay') return text(`--03-${day}`);
  if (b === 'base64Binary') return text(Buffer.from(`${path}#${n}`).toString('base64'));
  if (b === 'hexBinary') return text(Buffer.from(`#${n}`).toString('hex').toUpperCase());
  if (b === 'anyURI') return text(`http://example.com/${encodeURIComponent(path)}/${n}`);
  if (b === 'language') return text('en');
  if (NAME_LIKE.has(b)) return text(`v${n}-${ncName(path)}`);
  if (TOKEN_LISTS.has(b)) return text(`v${n}a v${n}b`);
  // A string says where it belongs, and carries what must be escaped and what is not ASCII.
  if (b === 'string') return text(`${path}#${n} <&> "ü€"`);
  // normalizedString, token, anySimpleType, unions: no markup, no spaces at the ends.
  return text(`${path}#${n}`);
}

function number(value) {
  return { text: String(value), expected: value };
}

function text(value) {
  return { text: value, expected: value };
}

function ncName(path) {
  return path.replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^[^A-Za-z_]+/, '') || 'x';
}

/** A value the XSD imposes (`fixed`), with what the GraphQL answer must hold for it. */
export function fixedValue(shape, text) {
  if (shape.enumeration?.length) return { text, expected: { enum: text } };
  const b = shape.builtin;
  if (INT.has(b) || FLOAT.has(b)) return { text, expected: Number(text) };
  if (b === 'boolean') return { text, expected: text.trim() === 'true' || text.trim() === '1' };
  return { text, expected: text };
}
