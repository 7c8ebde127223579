import {
  Kind,
  parse,
  print,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { SchemaError, throwIfAny } from '../errors/schema-error.js';

/** The variables a write call may use: the mapped record, its key, and a key that makes the write idempotent. */
export const WRITE_VARIABLES = ['record', 'key', 'idempotencyKey'] as const;

/**
 * Turns a write call (`upsertContact(id: $key, input: $record) { id }`) into a mutation
 * document for `schema`: each variable gets the type of the argument it is passed to, so
 * the author writes the call once and the graph's own validation checks it.
 */
export function writeOperation(call: string, schema: GraphQLSchema, where: string, kind: 'mutation' | 'query' = 'mutation'): DocumentNode {
  const document = parse(`${kind} ${kind === 'query' ? 'SyncVerify' : 'SyncWrite'} { ${call} }`);
  const typeInfo = new TypeInfo(schema);
  const definitions = new Map<string, VariableDefinitionNode>();
  const errors: SchemaError[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Variable(node) {
        const name = node.name.value;
        if (!(WRITE_VARIABLES as readonly string[]).includes(name)) {
          errors.push(new SchemaError(`${where}: $${name} is not bound; a write call may use ${WRITE_VARIABLES.map((v) => `$${v}`).join(', ')}`));
          return;
        }
        const type = typeInfo.getInputType();
        if (!type || definitions.has(name)) return;
        definitions.set(name, {
          kind: Kind.VARIABLE_DEFINITION,
          variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
          type: parse(`query Q($v: ${type.toString()}) { __typename }`).definitions.flatMap((d) => (d as OperationDefinitionNode).variableDefinitions ?? [])[0].type,
        });
      },
    }),
  );
  const operation = document.definitions[0] as OperationDefinitionNode;
  const typed: DocumentNode = { ...document, definitions: [{ ...operation, variableDefinitions: [...definitions.values()] }] };
  for (const error of validate(schema, typed)) errors.push(new SchemaError(`${where}: ${error.message}`));
  throwIfAny(errors);
  return parse(print(typed));
}

/** The read operation checked against the graph: an error, with file, line and column, for each field or argument it lacks. */
export function checkReadOperation(document: DocumentNode, schema: GraphQLSchema): void {
  throwIfAny(validate(schema, document).map((e) => SchemaError.fromGraphQLError(e)));
}
