import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';

/** A request whose variables are missing or malformed: HTTP 400, each problem named. */
export class BadVariables extends Error {
  override readonly name = 'BadVariables';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

/**
 * A query composite's variables from the query string: `?customerId=7`. A list is the
 * parameter repeated (`?ids=1&ids=2`) or a JSON array; an input object is JSON. Values
 * are converted to the variable's scalar (Int, Float, Boolean); graphql-js then coerces
 * them as it does any request's variables.
 */
export function variablesFromQuery(composite: string, args: readonly GraphQLArgument[], params: URLSearchParams): Record<string, unknown> {
  const problems = unknownNames(composite, args, [...new Set(params.keys())]);
  const variables: Record<string, unknown> = {};
  const empty = new Set<string>();
  for (const arg of args) {
    const values = params.getAll(arg.name);
    if (values.length === 0) continue;
    // `?orderId=` names a variable but gives it nothing: for a required one, no value at all.
    if (isNonNullType(arg.type) && values.every((v) => v.trim() === '')) {
      problems.push(`parameter ${arg.name} is empty; it is required (${arg.type})`);
      empty.add(arg.name);
      continue;
    }
    try {
      variables[arg.name] = fromStrings(arg.type, values);
    } catch (error) {
      problems.push(`parameter ${arg.name}: ${(error as Error).message}`);
    }
  }
  problems.push(...missing(args.filter((a) => !empty.has(a.name)), variables));
  if (problems.length) throw new BadVariables(problems);
  return variables;
}

/** A mutation composite's variables from its JSON body: an object, one key per variable. */
export function variablesFromBody(composite: string, args: readonly GraphQLArgument[], body: unknown): Record<string, unknown> {
  if (body === undefined) body = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadVariables([`expected a JSON object of variables as the body, found ${Array.isArray(body) ? 'an array' : JSON.stringify(body)}`]);
  }
  const variables = body as Record<string, unknown>;
  const problems = [...unknownNames(composite, args, Object.keys(variables)), ...missing(args, variables)];
  if (problems.length) throw new BadVariables(problems);
  return variables;
}

function unknownNames(composite: string, args: readonly GraphQLArgument[], names: readonly string[]): string[] {
  const known = new Set(args.map((a) => a.name));
  const takes = args.length ? `it takes ${args.map((a) => `${a.name} (${a.type})`).join(', ')}` : 'it takes none';
  return names.filter((n) => !known.has(n)).map((n) => `unknown variable ${n}: ${composite} has no variable of that name; ${takes}`);
}

function missing(args: readonly GraphQLArgument[], variables: Record<string, unknown>): string[] {
  return args
    .filter((a) => isNonNullType(a.type) && a.defaultValue === undefined && (variables[a.name] === undefined || variables[a.name] === null))
    .map((a) => `missing variable ${a.name} (${a.type})`);
}

function fromStrings(type: GraphQLInputType, values: readonly string[]): unknown {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) {
    if (values.length === 1 && values[0].trim().startsWith('[')) return parseJSON(values[0], 'a JSON array');
    return values.map((v) => fromString(nullable.ofType, v));
  }
  if (values.length > 1) throw new Error(`expected one value, found ${values.length}`);
  return fromString(nullable, values[0]);
}

function fromString(type: GraphQLInputType, value: string): unknown {
  const named = getNamedType(type);
  if (isInputObjectType(named)) return parseJSON(value, `a JSON object (${named.name})`);
  if (isEnumType(named)) return value;
  if (!isScalarType(named)) return value;
  switch (named.name) {
    case 'String':
    case 'ID':
      return value;
    case 'Int':
      if (!/^-?\d+$/.test(value.trim())) throw new Error(`expected an Int, found "${value}"`);
      return Number(value);
    case 'Float': {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) throw new Error(`expected a Float, found "${value}"`);
      return number;
    }
    case 'Boolean':
      if (value !== 'true' && value !== 'false') throw new Error(`expected true or false, found "${value}"`);
      return value === 'true';
    default:
      // Custom scalars: JSON when it parses as JSON, else the text itself.
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
  }
}

function parseJSON(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`expected ${what}, found "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`);
  }
}
