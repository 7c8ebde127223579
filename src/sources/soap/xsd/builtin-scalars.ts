/**
 * Built-in XSD types → GraphQL scalars. One table, used by the importer to write SDL
 * and by the runtime to read and write values.
 */
const TABLE: Readonly<Record<string, string>> = {
  boolean: 'Boolean',
  // Fit in GraphQL's 32-bit signed Int.
  int: 'Int',
  short: 'Int',
  byte: 'Int',
  unsignedShort: 'Int',
  unsignedByte: 'Int',
  // May not fit in 32 bits: carried exactly, as digits (see scalars.ts).
  long: 'Long',
  unsignedInt: 'Long',
  unsignedLong: 'Long',
  integer: 'Long',
  nonNegativeInteger: 'Long',
  positiveInteger: 'Long',
  nonPositiveInteger: 'Long',
  negativeInteger: 'Long',
  float: 'Float',
  double: 'Float',
  decimal: 'Float',
  date: 'Date',
  dateTime: 'DateTime',
  base64Binary: 'Base64',
};

/** The GraphQL scalar for a built-in XSD type; String for the many text-like ones (anySimpleType, QName, time, duration…). */
export function scalarForBuiltin(builtin: string): string {
  return TABLE[builtin] ?? 'String';
}

/** The built-in datatypes of XML Schema 1.0, by local name. */
export const XSD_BUILTIN_TYPES: ReadonlySet<string> = new Set(
  (
    'anyType anySimpleType string normalizedString token language Name NCName ID IDREF IDREFS ENTITY ENTITIES ' +
    'NMTOKEN NMTOKENS anyURI QName NOTATION boolean decimal integer nonPositiveInteger negativeInteger long int ' +
    'short byte nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger float double ' +
    'duration dateTime time date gYearMonth gYear gMonthDay gDay gMonth hexBinary base64Binary'
  ).split(' '),
);
