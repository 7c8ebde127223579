import { AUTHORIZATION_DIRECTIVES } from '../../server/auth/authorization.js';
import {
  isNonNullType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type FieldNode,
  type NonNullTypeNode,
  type TypeNode,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { SchemaError, SchemaErrors } from '../../errors/schema-error.js';
import type { NameRegistry } from '../../sources/index.js';
import type { CompositePlan, PlanStep } from '../plan.js';
import { compositeRateLimit } from '../rate-limit-comment.js';
import { compositeTrigger, type CompositeTrigger } from '../trigger-comment.js';
import type { SchemaLocation } from '../../errors/schema-error.js';
import { linkSteps } from './link-steps.js';
import { readSteps } from './read-steps.js';
import { resultTypes } from './result-types.js';
import { stepDocument } from './step-document.js';

/** A composite ready to add to the schema: its plan, and the SDL of its field and result types. */
export interface CompiledComposite {
  readonly plan: CompositePlan;
  /** Result types and the `extend type Query|Mutation` with the composite's field. */
  readonly sdl: string;
  readonly rootType: 'Query' | 'Mutation';
  /** The generated result types, whose fields report step errors at their place. */
  readonly resultTypeNames: readonly string[];
  /** Its `# @trigger` (and `# @publishTo`) comment lines: messages that run it (src/triggers). */
  readonly trigger: CompositeTrigger | undefined;
  /** Where its operation starts, for errors about it as a whole. */
  readonly location: SchemaLocation | undefined;
}

/**
 * Compiles one composite document against the schema it may use: checks it as GraphQL,
 * splits it into steps, links them through their exports and generates its result type.
 * Throws SchemaError(s) naming the file, line and variables.
 */
export function compileComposite(
  file: string,
  text: string,
  document: DocumentNode,
  schema: GraphQLSchema,
  names: NameRegistry,
): CompiledComposite {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragmentList = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const other = document.definitions.find((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION);
  if (other) throw new SchemaError(`a composite file holds one operation and its fragments, not ${other.kind}`, other);
  if (operations.length !== 1) {
    throw new SchemaError(
      `a composite file holds exactly one named operation; ${file} has ${operations.length}`,
      operations[1] ?? { file, line: 1, column: 1 },
    );
  }
  const operation = operations[0];
  const name = operation.name?.value;
  if (!name) throw new SchemaError('a composite needs a name: `query hotelOrder(...) { ... }`', operation);
  if (operation.operation === 'subscription') throw new SchemaError(`composite ${name}: subscriptions cannot be composed`, operation);

  const internal = new Set(
    (operation.variableDefinitions ?? [])
      .filter((d) => d.directives?.some((x) => x.name.value === 'internal'))
      .map((d) => d.variable.name.value),
  );
  const invalid = validate(schema, asFilledByExports(document, internal));
  if (invalid.length > 0) throw new SchemaErrors(invalid.map((error) => SchemaError.fromGraphQLError(error, file)));

  const rootType = operation.operation === 'mutation' ? 'Mutation' : 'Query';
  const root = rootType === 'Mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  if (root.getFields()[name]) {
    throw new SchemaError(`composite ${name}: ${rootType} already has a field "${name}"; rename the operation`, operation.name);
  }
  const fragments = new Map(fragmentList.map((f) => [f.name.value, f]));
  const rawSteps = readSteps(operation, fragments, schema, root);
  const linked = linkSteps(name, rawSteps, operation.variableDefinitions ?? [], schema, rootType === 'Mutation');

  const nonNull = new Set(linked.variables.filter((v) => v.nonNull).map((v) => v.name));
  const steps: PlanStep[] = rawSteps.map((step) => {
    const positions = requiredVariables(schema, document, step.nodes);
    return {
      key: step.key,
      field: `${rootType}.${step.field.name}`,
      dependsOn: linked.dependsOn.get(step.key) ?? [],
      after: linked.after.get(step.key),
      uses: [...step.uses],
      requires: [...step.uses].filter((v) => internal.has(v) && (nonNull.has(v) || positions.has(v))),
      exports: step.exports.map(({ variable, path, list, test }) => ({ variable, path, list, test })),
      conditions: step.conditions,
      document: stepDocument(name, operation, step, fragments),
      location: new SchemaError('', step.nodes[0]).location,
    };
  });
  const plan: CompositePlan = {
    name,
    file,
    operation: operation.operation,
    description: leadingComment(text, operation),
    variables: linked.variables,
    steps,
    stages: linked.stages,
    criticalPath: linked.criticalPath,
  };

  let trigger: CompositeTrigger | undefined;
  try {
    compositeRateLimit(name, plan.description); // read where requests are served; checked here, where the file is known
    trigger = compositeTrigger(name, plan.description);
  } catch (error) {
    throw new SchemaError(`${(error as Error).message} (in the comment lines above the operation)`, operation);
  }

  const types = resultTypes(
    name,
    rawSteps.map((step) => ({ key: step.key, nodes: step.nodes, type: step.field.type, description: step.field.description })),
    fragments,
    schema,
    names,
  );
  const args = (operation.variableDefinitions ?? [])
    .filter((d) => !linked.variables.find((v) => v.name === d.variable.name.value)?.internal)
    .map((d) => `${d.variable.name.value}: ${print(d.type)}${d.defaultValue ? ` = ${print(d.defaultValue)}` : ''}`);
  const description = [plan.description, `Composite \`${name}\` (${file}). Plan: ${plan.stages.map((s) => s.join(' ‖ ')).join(' → ')}.`]
    .filter(Boolean)
    .join('\n\n');
  // Authorization on the operation (`query hotelOrder(…) @authenticated`) guards the composite's field.
  const guards = (operation.directives ?? []).filter((d) => AUTHORIZATION_DIRECTIVES.has(d.name.value)).map((d) => ` ${print(d)}`);
  const field = `  ${print({ kind: Kind.STRING, value: description, block: true })}\n  ${name}${args.length ? `(${args.join(', ')})` : ''}: ${types.rootType}${guards.join('')}`;
  return {
    plan,
    rootType,
    resultTypeNames: types.typeNames,
    trigger,
    location: new SchemaError('', operation).location,
    sdl: `${types.sdl}\n\nextend type ${rootType} {\n${field}\n}\n`,
  };
}

/**
 * Composites may declare an internal variable nullable and pass it where a value is
 * required (`$userId: ID @internal` into `user(id: ID!)`, as the README's hotel example
 * does): an internal variable is filled by an export, never by a caller, and whether it
 * is null is checked per step at run time. So the document is validated as if every internal
 * variable were declared non-null at every level (`[ID]` as `[ID!]!`); every rule runs
 * unchanged. (Declare them `ID! @internal` for other tools' strict checks.)
 */
function asFilledByExports(document: DocumentNode, internal: ReadonlySet<string>): DocumentNode {
  if (internal.size === 0) return document;
  const nonNull = (type: TypeNode): NonNullTypeNode => {
    const inner = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
    const item = inner.kind === Kind.LIST_TYPE ? { ...inner, type: nonNull(inner.type) } : inner;
    return { kind: Kind.NON_NULL_TYPE, type: item, loc: type.loc };
  };
  return visit(document, {
    VariableDefinition(node) {
      return internal.has(node.variable.name.value) ? { ...node, type: nonNull(node.type) } : undefined;
    },
  });
}

/** Variables a step passes where a value is required (a non-null argument without default). */
function requiredVariables(schema: GraphQLSchema, document: DocumentNode, nodes: readonly FieldNode[]): Set<string> {
  const required = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const probe: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: nodes } } as OperationDefinitionNode, ...fragments],
  };
  visit(
    probe,
    visitWithTypeInfo(typeInfo, {
      Variable(node) {
        const type = typeInfo.getInputType();
        if (type && isNonNullType(type) && typeInfo.getDefaultValue() === undefined) required.add(node.name.value);
      },
    }),
  );
  return required;
}

/** The `#` comment lines right above the operation: the composite's description. */
function leadingComment(text: string, operation: OperationDefinitionNode): string | undefined {
  const before = text.slice(0, operation.loc?.start ?? 0).split('\n');
  const lines: string[] = [];
  for (let i = before.length - 2; i >= 0; i--) {
    const line = before[i].trim();
    if (!line.startsWith('#')) break;
    lines.unshift(line.replace(/^#\s?/, ''));
  }
  return lines.length ? lines.join('\n') : undefined;
}
