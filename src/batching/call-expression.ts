import {
  Kind,
  parse,
  Source,
  valueFromAST,
  type ArgumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type ValueNode,
} from 'graphql';
import { SchemaError, type SchemaLocation } from '../errors/schema-error.js';

/**
 * A call written inside a directive, such as `user(id: $userId)` in `@join` or
 * `users(ids: $id)` in `@batch`: a root field and its arguments, where `$name` stands
 * for a value supplied at run time. Parsed and checked once at schema build.
 */
export interface CallExpression {
  readonly field: GraphQLField<unknown, unknown>;
  /** Every `$variable` the call uses. */
  readonly variables: ReadonlySet<string>;
  /** Argument values for given variable values, coerced to the field's argument types. */
  argumentsFor(variables: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** The variables used in argument positions of list type (`ids: $id`). */
  readonly listVariables: ReadonlySet<string>;
}

/** Parses `field(arg: $var, …)` against `root`; throws a SchemaError at `where`. */
export function parseCallExpression(
  text: string,
  root: GraphQLObjectType,
  describe: string,
  where: SchemaLocation | undefined,
): CallExpression {
  let node: FieldNode;
  try {
    const document = parse(new Source(`{ ${text} }`, describe));
    const operation = document.definitions[0];
    const selections = operation.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
    if (selections.length !== 1 || selections[0].kind !== Kind.FIELD || selections[0].selectionSet) {
      throw new Error('expected one field call such as user(id: $userId)');
    }
    node = selections[0];
  } catch (error) {
    throw new SchemaError(`${describe}: "${text}" is not a call: ${(error as Error).message}`, where);
  }
  const field = root.getFields()[node.name.value];
  if (!field) {
    throw new SchemaError(`${describe}: ${root.name} has no field "${node.name.value}"`, where);
  }
  const variables = new Set<string>();
  const listVariables = new Set<string>();
  const argumentNodes = new Map<string, ArgumentNode>();
  for (const argument of node.arguments ?? []) {
    const definition = field.args.find((a) => a.name === argument.name.value);
    if (!definition) {
      const known = field.args.map((a) => a.name).join(', ') || 'none';
      throw new SchemaError(
        `${describe}: ${root.name}.${field.name} has no argument "${argument.name.value}" (it has: ${known})`,
        where,
      );
    }
    argumentNodes.set(argument.name.value, argument);
    collectVariables(argument.value, variables);
    const nullable = definition.type.toString().replace(/!$/, '');
    if (argument.value.kind === Kind.VARIABLE && nullable.startsWith('[')) listVariables.add(argument.value.name.value);
  }
  for (const definition of field.args) {
    if (definition.type.toString().endsWith('!') && definition.defaultValue === undefined && !argumentNodes.has(definition.name)) {
      throw new SchemaError(`${describe}: ${root.name}.${field.name} needs argument "${definition.name}"`, where);
    }
  }
  return {
    field,
    variables,
    listVariables,
    argumentsFor(values) {
      const args: Record<string, unknown> = {};
      for (const definition of field.args) {
        const argument = argumentNodes.get(definition.name);
        if (!argument) {
          if (definition.defaultValue !== undefined) args[definition.name] = definition.defaultValue;
          continue;
        }
        args[definition.name] = valueFromAST(argument.value, definition.type, values as Record<string, unknown>);
      }
      return args;
    },
  };
}


function collectVariables(value: ValueNode, into: Set<string>): void {
  switch (value.kind) {
    case Kind.VARIABLE:
      into.add(value.name.value);
      return;
    case Kind.LIST:
      for (const item of value.values) collectVariables(item, into);
      return;
    case Kind.OBJECT:
      for (const field of value.fields) collectVariables(field.value, into);
      return;
    default:
      return;
  }
}
