import {
  GraphQLError,
  isAbstractType,
  isNonNullType,
  type GraphQLAbstractType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { SchemaError } from '../errors/schema-error.js';
import type { DiscriminatorDirectiveArgs } from '../generated/directives.js';
import { directiveValues, UpstreamErrorCode, wireNameOf } from '../sources/index.js';

/**
 * Unions and interfaces in source SDL (an imported OpenAPI `oneOf`, say) hold plain JSON
 * objects from upstreams, which do not say what type they are. This binds a
 * `__resolveType` to each that tells, in this order:
 *
 * 1. by `__typename`, when the object carries one;
 * 2. by `@discriminator(property:, mapping:)`: the value of that property, looked up in
 *    the mapping, or equal to a member's name;
 * 3. by shape: the member whose required (non-null) fields the object all has; among
 *    several, the one that knows most of the object's keys, then the one with most
 *    required fields, then the first declared.
 *
 * An object that fits no member is a field error (UPSTREAM_BAD_RESPONSE) that names the
 * object's keys and what each member needs. Abstract types that already have a resolver are left alone.
 */
export const DISCRIMINATOR_DIRECTIVE = 'discriminator';

/** Adds `__resolveType` resolvers to `resolvers`; returns the errors of wrong `@discriminator`s. */
export function bindAbstractTypes(schema: GraphQLSchema, resolvers: Record<string, Record<string, unknown>>): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__') || resolvers[type.name]?.__resolveType) continue;
    try {
      (resolvers[type.name] ??= {}).__resolveType = typeResolver(schema, type);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      errors.push(error);
    }
  }
  return errors;
}

interface Member {
  readonly name: string;
  /** Wire names of the non-null fields. */
  readonly required: readonly string[];
  /** Wire names of all fields. */
  readonly known: ReadonlySet<string>;
}

type Resolver = (value: unknown) => string;

function typeResolver(schema: GraphQLSchema, type: GraphQLAbstractType): Resolver {
  const members = schema.getPossibleTypes(type).map(memberOf);
  const names = new Set(members.map((m) => m.name));
  const discriminator = readDiscriminator(schema, type, names);

  return (value) => {
    if (value === null || typeof value !== 'object') {
      throw badResponse(`${type.name} expects an object from the upstream, not ${value === null ? 'null' : typeof value}`);
    }
    const object = value as Record<string, unknown>;
    if (typeof object.__typename === 'string' && names.has(object.__typename)) return object.__typename;
    if (discriminator) {
      const tag = object[discriminator.property];
      if (typeof tag === 'string' || typeof tag === 'number' || typeof tag === 'boolean') {
        const named = discriminator.mapping.get(String(tag)) ?? (names.has(String(tag)) ? String(tag) : undefined);
        if (named) return named;
      }
    }
    return byShape(type, members, object);
  };
}

function byShape(type: GraphQLAbstractType, members: readonly Member[], object: Record<string, unknown>): string {
  const present = (key: string) => object[key] !== undefined && object[key] !== null;
  const complete = members.filter((m) => m.required.every(present));
  if (complete.length === 1) return complete[0].name;
  const keys = Object.keys(object);
  const score = (m: Member) => keys.filter((k) => m.known.has(k)).length;
  let best: Member | undefined;
  for (const member of complete.length > 0 ? complete : members) {
    if (!best || score(member) > score(best) || (score(member) === score(best) && member.required.length > best.required.length)) {
      best = member;
    }
  }
  if (best && (complete.length > 0 || score(best) > 0)) return best.name;
  const needs = members.map((m) => `${m.name} (${m.required.join(', ') || 'no required fields'})`).join(', ');
  throw badResponse(
    `cannot tell which member of ${type.name} the upstream object is: it has ${keys.join(', ') || 'no keys'}; ` +
      `the members need ${needs}`,
  );
}

// The upstream's answer has a shape the schema does not describe: the same code as any wrong shape.
function badResponse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: UpstreamErrorCode.BAD_RESPONSE } });
}

function memberOf(type: GraphQLObjectType): Member {
  const fields = Object.values(type.getFields());
  const wire = (field: (typeof fields)[number]) => wireNameOf(field) ?? field.name;
  return {
    name: type.name,
    required: fields.filter((f) => isNonNullType(f.type)).map(wire),
    known: new Set(fields.map(wire)),
  };
}

function readDiscriminator(
  schema: GraphQLSchema,
  type: GraphQLAbstractType,
  members: ReadonlySet<string>,
): { property: string; mapping: Map<string, string> } | undefined {
  const directive = schema.getDirective(DISCRIMINATOR_DIRECTIVE);
  if (!directive) return undefined;
  const node = [type.astNode, ...type.extensionASTNodes]
    .flatMap((n) => n?.directives ?? [])
    .find((d) => d.name.value === DISCRIMINATOR_DIRECTIVE);
  if (!node) return undefined;
  const values = directiveValues(directive, node) as unknown as DiscriminatorDirectiveArgs;
  const mapping = new Map<string, string>();
  for (const entry of values.mapping ?? []) {
    if (!members.has(entry.type)) {
      throw new SchemaError(
        `@discriminator on ${type.name} maps "${entry.value}" to ${entry.type}, which is not one of its members ` +
          `(${[...members].join(', ') || 'none'})`,
        node,
      );
    }
    mapping.set(entry.value, entry.type);
  }
  return { property: values.property, mapping };
}
