import type { GraphQLEnumType, GraphQLScalarType } from 'graphql';

/**
 * GraphQL scalars as XSD built-in types, both ways. The built-in scalars and Skein's own
 * (`Long`, `Date`, `DateTime`, `Base64`, which the WSDL importer makes from the same XSD
 * types) map to their XSD type; any other scalar (`JSON`) travels as a string holding its
 * JSON text, since its shape is not known.
 */
const XSD_TYPE: Readonly<Record<string, string>> = {
  String: 'string',
  ID: 'string',
  Int: 'int',
  Float: 'double',
  Boolean: 'boolean',
  Long: 'long',
  Date: 'date',
  DateTime: 'dateTime',
  Base64: 'base64Binary',
};

/** The XSD built-in type (local name) a scalar is written as. */
export function xsdTypeOf(scalar: GraphQLScalarType): string {
  return XSD_TYPE[scalar.name] ?? 'string';
}

/** Whether the scalar is one of the mapped ones; the others travel as JSON text. */
function isMapped(scalar: GraphQLScalarType): boolean {
  return scalar.name in XSD_TYPE;
}

/** A scalar's value in an answer as XML text (not yet escaped). */
export function wireText(scalar: GraphQLScalarType, value: unknown): string {
  if (!isMapped(scalar)) return typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // xsd:double accepts what String() writes (`4089.19`, `1e+21`).
  return String(value);
}

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/;

/**
 * A variable's value from an element's text, typed by the scalar's XSD type. graphql-js
 * coerces the result as it does any request's variables (ranges, `NaN`), so this only
 * reads the lexical form; what it cannot read is an Error naming what it expected.
 */
export function readScalar(scalar: GraphQLScalarType, text: string): unknown {
  const trimmed = text.trim();
  switch (scalar.name) {
    case 'String':
    case 'ID':
      return text;
    case 'Int':
      if (!INTEGER.test(trimmed)) throw new Error(`expected an xsd:int, found "${excerpt(text)}"`);
      return Number(trimmed);
    case 'Float':
      if (!DOUBLE.test(trimmed)) throw new Error(`expected an xsd:double, found "${excerpt(text)}"`);
      return trimmed === 'INF' ? Infinity : trimmed === '-INF' ? -Infinity : Number(trimmed);
    case 'Boolean':
      if (trimmed === 'true' || trimmed === '1') return true;
      if (trimmed === 'false' || trimmed === '0') return false;
      throw new Error(`expected an xsd:boolean (true, false, 1 or 0), found "${excerpt(text)}"`);
    case 'Long':
      // Skein's Long travels as a string of digits, so nothing past 2^53 is lost.
      if (!INTEGER.test(trimmed)) throw new Error(`expected an xsd:long, found "${excerpt(text)}"`);
      return trimmed.replace(/^\+/, '');
    case 'Date':
    case 'DateTime':
    case 'Base64':
      return trimmed;
    default:
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

/** An enum's value from an element's text: the GraphQL value name, as the WSDL lists it. */
export function readEnum(type: GraphQLEnumType, text: string): string {
  const trimmed = text.trim();
  if (!type.getValue(trimmed)) {
    throw new Error(`expected one of ${type.getValues().map((v) => v.name).join(', ')} (${type.name}), found "${excerpt(text)}"`);
  }
  return trimmed;
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
