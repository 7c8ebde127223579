import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { SchemaError, throwIfAny } from '../errors/schema-error.js';
import { directiveValues, lookup, wireNameOf, type Operation } from '../sources/index.js';
import { parseCallExpression, type CallExpression } from './call-expression.js';

export const batchDirectiveSDL = /* GraphQL */ `
"""
Declares the batch form of this operation: another root field that looks up many keys in
one call. Lookups made during one request are gathered and sent as ceil(N / maxBatchSize)
calls; answers are matched back by key, whatever their order, and a missing key is null.
"""
directive @batch(
  """The batch call, such as "users(ids: $id)": $id collects this field's argument id; any other $variable passes this field's argument of that name."""
  query: String!
  """Field of each returned item that holds its key (dotted path), compared with the key argument."""
  key: String! = "id"
  maxBatchSize: Int = 100
) on FIELD_DEFINITION
`;

/** How to load many keys of one operation with one call of another. */
export interface BatchForm {
  /** Argument of the single operation that varies across the batch. */
  readonly keyArgument: string;
  readonly batchOperation: Operation;
  readonly call: CallExpression;
  /** Path of the key in each returned item, in wire names. */
  readonly keyPath: readonly string[];
  readonly maxBatchSize: number;
}

/** Reads every `@batch`, by the name of the operation it belongs to (`Query.user`). */
export function compileBatchForms(
  schema: GraphQLSchema,
  operations: ReadonlyMap<string, Operation>,
): Map<string, BatchForm> {
  const forms = new Map<string, BatchForm>();
  const errors: SchemaError[] = [];
  const directive = schema.getDirective('batch')!;
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const node = field.astNode?.directives?.find((d) => d.name.value === 'batch');
      if (!node) continue;
      const name = `${root.name}.${field.name}`;
      try {
        const args = directiveValues(directive, node) as { query: string; key: string; maxBatchSize: number };
        forms.set(name, compileBatchForm(root, field, name, args, operations, new SchemaError('', node).location));
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        errors.push(error);
      }
    }
  }
  throwIfAny(errors);
  return forms;
}

function compileBatchForm(
  root: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  name: string,
  args: { query: string; key: string; maxBatchSize: number },
  operations: ReadonlyMap<string, Operation>,
  where: SchemaError['location'],
): BatchForm {
  const describe = `@batch on ${name}`;
  const call = parseCallExpression(args.query, root, describe, where);
  const keyVariables = [...call.listVariables];
  if (keyVariables.length !== 1) {
    throw new SchemaError(
      `${describe}: "${args.query}" must pass exactly one $variable to a list argument (the keys); found ${keyVariables.length}`,
      where,
    );
  }
  for (const variable of call.variables) {
    if (!field.args.some((a) => a.name === variable)) {
      throw new SchemaError(`${describe}: $${variable} is not an argument of ${name}`, where);
    }
  }
  const batchName = `${root.name}.${call.field.name}`;
  const batchOperation = operations.get(batchName);
  if (!batchOperation) throw new SchemaError(`${describe}: ${batchName} is not bound to an upstream`, where);
  const returned = getNullableType(call.field.type);
  const item = getNamedType(call.field.type);
  if (!isListType(returned) || !isObjectType(item)) {
    throw new SchemaError(`${describe}: ${batchName} must return a list of objects, not ${call.field.type}`, where);
  }
  if (getNamedType(field.type) !== item) {
    throw new SchemaError(`${describe}: ${batchName} returns ${item.name}, but ${name} returns ${getNamedType(field.type)}`, where);
  }
  const keyPath = wirePath(item, args.key, describe, where);
  if (!Number.isInteger(args.maxBatchSize) || args.maxBatchSize < 1) {
    throw new SchemaError(`${describe}: maxBatchSize must be a positive integer, not ${args.maxBatchSize}`, where);
  }
  return { keyArgument: keyVariables[0], batchOperation, call, keyPath, maxBatchSize: args.maxBatchSize };
}

/** `a.b` in GraphQL names → the same path in wire names, checked against the type. */
function wirePath(type: GraphQLObjectType, path: string, describe: string, where: SchemaError['location']): string[] {
  const out: string[] = [];
  let current: GraphQLObjectType = type;
  for (const step of path.split('.')) {
    const field = current.getFields()[step];
    if (!field) throw new SchemaError(`${describe}: key "${path}": ${current.name} has no field "${step}"`, where);
    out.push(wireNameOf(field) ?? step);
    const next = getNamedType(field.type);
    if (isObjectType(next)) current = next;
  }
  return out;
}

/** Reads an item's key as a string, the form keys are compared in. */
export function keyOf(item: unknown, path: readonly string[]): string | undefined {
  const value = lookup(item, path);
  return value === undefined || value === null ? undefined : String(value);
}
