import {
  getNamedType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { parseCallExpression } from '../batching/index.js';
import { SchemaError, throwIfAny } from '../errors/schema-error.js';
import { directiveValues, ownFieldOf, wireNameOf, type Operation } from '../sources/index.js';

export const joinDirectiveSDL = /* GraphQL */ `
"""
Resolves this field by calling a Query field with arguments taken from the parent object:
on Order, @join(query: "user(id: $userId)") calls user with the order's userId. A $name is
this field's own argument of that name if it has one, else the parent's field. Calls are
batched per request (see @batch); a null key gives null without a call.
"""
directive @join(query: String!) on FIELD_DEFINITION
`;

/** A field resolved by another operation: its resolver, given a way to load operations. */
export interface Join {
  /** `Order.user` */
  readonly name: string;
  readonly parentType: string;
  readonly fieldName: string;
  /** The operation it calls (`Query.user`'s). */
  readonly operation: Operation;
  /** The resolver, once told how calls are loaded (through the request's loaders). */
  resolver(load: LoadOperation): GraphQLFieldResolver<unknown, unknown>;
}

export type LoadOperation = (
  operation: Operation,
  args: Readonly<Record<string, unknown>>,
  context: unknown,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

/** Reads every `@join` on object types (root types excluded). */
export function compileJoins(schema: GraphQLSchema, operations: ReadonlyMap<string, Operation>): Join[] {
  const joins: Join[] = [];
  const errors: SchemaError[] = [];
  const query = schema.getQueryType()!;
  const directive = schema.getDirective('join')!;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const node = field.astNode?.directives?.find((d) => d.name.value === 'join');
      if (!node) continue;
      try {
        if (type === query || type === schema.getMutationType()) {
          throw new SchemaError(`@join on ${type.name}.${field.name}: root fields call upstreams directly; use @join on object types`, node);
        }
        const { query: text } = directiveValues(directive, node) as { query: string };
        joins.push(compileJoin(type, field, text, query, operations, new SchemaError('', node).location));
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        errors.push(error);
      }
    }
  }
  throwIfAny(errors);
  return joins;
}

function compileJoin(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  text: string,
  query: GraphQLObjectType,
  operations: ReadonlyMap<string, Operation>,
  where: SchemaError['location'],
): Join {
  const name = `${parent.name}.${field.name}`;
  const describe = `@join on ${name}`;
  const call = parseCallExpression(text, query, describe, where);
  const operation = operations.get(`Query.${call.field.name}`);
  if (!operation) throw new SchemaError(`${describe}: Query.${call.field.name} is not bound to an upstream`, where);
  const expected = getNamedType(field.type).name;
  if (getNamedType(call.field.type).name !== expected) {
    throw new SchemaError(
      `${describe}: Query.${call.field.name} returns ${call.field.type}, which does not fit ${name}: ${field.type}`,
      where,
    );
  }
  // Where each $variable comes from: the field's own argument, else the parent's field (by wire name).
  const inputs = [...call.variables].map((variable) => {
    if (field.args.some((a) => a.name === variable)) return { variable, fromArgument: true, key: variable };
    const parentField = parent.getFields()[variable];
    if (!parentField) {
      throw new SchemaError(
        `${describe}: $${variable} is neither an argument of ${name} nor a field of ${parent.name}`,
        where,
      );
    }
    return { variable, fromArgument: false, key: wireNameOf(parentField) ?? variable };
  });
  const required = new Set(
    call.field.args.filter((a) => a.type.toString().endsWith('!')).map((a) => a.name),
  );

  return {
    name,
    parentType: parent.name,
    fieldName: field.name,
    operation,
    resolver: (load) => (source, args, context, info) => {
      const values: Record<string, unknown> = {};
      for (const input of inputs) {
        // A GraphQL source answered the input under a private key, apart from the client's aliases.
        const value = input.fromArgument
          ? (args as Record<string, unknown>)[input.key]
          : source !== null && typeof source === 'object'
            ? ownFieldOf(source as Record<string, unknown>, input.key)
            : undefined;
        values[input.variable] = value;
      }
      const callArgs = call.argumentsFor(values);
      for (const argument of required) {
        // Nothing to look up: an order without a roomId has no room.
        if (callArgs[argument] === undefined || callArgs[argument] === null) return null;
      }
      return load(operation, callArgs, context, info);
    },
  };
}
