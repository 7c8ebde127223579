import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * The scalars SOAP sources add to the graph, for XSD types GraphQL's own scalars cannot
 * carry faithfully. Each keeps the XSD lexical form as it travels, so a value goes back
 * upstream exactly as it came.
 */

const INTEGER = /^[+-]?\d+$/;

/**
 * `Long`: xsd:long, xsd:integer and the unsigned and unbounded integer types. It travels
 * as a JSON string of digits ("9007199254740993"), because JSON numbers become doubles in
 * most clients and lose precision past 2^53. Inputs may be strings or safe integers.
 */
export const GraphQLLong = new GraphQLScalarType<string, string>({
  name: 'Long',
  description: 'A 64-bit (or larger) integer, as a string of digits so that no precision is lost: "9007199254740993".',
  serialize: (value) => integerText(value, 'serialize'),
  parseValue: (value) => integerText(value, 'parse'),
  parseLiteral: (node) => {
    if (node.kind === Kind.INT || node.kind === Kind.STRING) return integerText(node.value, 'parse');
    throw new GraphQLError(`Long cannot represent ${describeLiteral(node)}; write digits, as an integer or a string`, { nodes: node });
  },
});

function integerText(value: unknown, direction: 'serialize' | 'parse'): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && INTEGER.test(value.trim())) return value.trim().replace(/^\+/, '');
  const what = direction === 'serialize' ? 'Long cannot represent' : 'Long expects a string of digits or a safe integer, not';
  throw new GraphQLError(`${what} ${JSON.stringify(value)}`);
}

const DATE = /^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A string scalar checked against a pattern, the value kept as written. */
function patterned(name: string, description: string, pattern: RegExp, example: string, tidy = (v: string) => v.trim()) {
  const check = (value: unknown): string => {
    if (typeof value === 'string' && pattern.test(tidy(value))) return tidy(value);
    throw new GraphQLError(`${name} expects a value like ${example}, not ${JSON.stringify(value)}`);
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: check,
    parseValue: check,
    parseLiteral: (node) => {
      if (node.kind === Kind.STRING) return check(node.value);
      throw new GraphQLError(`${name} expects a string like ${example}, not ${describeLiteral(node)}`, { nodes: node });
    },
  });
}

/** `Date`: xsd:date, `2026-03-01` (an optional time zone is kept). */
export const GraphQLDate = patterned('Date', 'A calendar date as XSD writes it: "2026-03-01", optionally with a zone.', DATE, '"2026-03-01"');

/** `DateTime`: xsd:dateTime, `2026-03-01T09:30:00Z`, with the offset the upstream sent. */
export const GraphQLDateTime = patterned(
  'DateTime',
  'A date and time as XSD writes it: "2026-03-01T09:30:00Z"; the offset (or its absence) is kept as sent.',
  DATE_TIME,
  '"2026-03-01T09:30:00Z"',
);

/** `Base64`: xsd:base64Binary, as base64 text (line breaks from the upstream removed). */
export const GraphQLBase64 = patterned('Base64', 'Binary data as base64 text.', BASE64, '"SGVsbG8="', (v) => v.replace(/\s+/g, ''));

export const soapScalars: readonly GraphQLScalarType[] = [GraphQLLong, GraphQLDate, GraphQLDateTime, GraphQLBase64];

function describeLiteral(node: ValueNode): string {
  return node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT ? `${node.kind.toLowerCase()} ${JSON.stringify(node.value)}` : `a ${node.kind.toLowerCase()}`;
}
