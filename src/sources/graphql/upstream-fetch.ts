import {
  getNamedType,
  isCompositeType,
  isInputType,
  Kind,
  print,
  typeFromAST,
  visit,
  type ArgumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { DelegationPlan } from './delegation-plan.js';
import { upstreamSelectionSet, type SelectionScope } from './upstream-selection.js';
import { upstreamTypeNode, upstreamValue } from './upstream-values.js';

/**
 * One field to ask an upstream for: the field with the client's selection below it, the
 * variables it uses (their definitions in upstream type names, and their values), and a
 * key: the same key, the same answer. Fetches are merged into one operation per source
 * and tick by request-batches.ts.
 */
export interface UpstreamFetch {
  readonly field: FieldNode;
  readonly variableDefinitions: readonly VariableDefinitionNode[];
  readonly variables: Readonly<Record<string, unknown>>;
  /** Names the fetch in errors and upstream logs: `Query.product`, `Product.reviews`. */
  readonly label: string;
  readonly key: string;
}

/**
 * The fetch of a root field delegated to `source`: the arguments travel as variables
 * (`$a_<argument>`), built from the coerced values, so joins and composite steps (which
 * compute arguments) and client calls are sent alike; the client's own variables used
 * below the field are forwarded as `$v_<name>`, only those used.
 */
export function rootFieldFetch(
  plan: DelegationPlan,
  source: string,
  field: GraphQLField<unknown, unknown>,
  upstreamName: string,
  args: Readonly<Record<string, unknown>>,
  info: GraphQLResolveInfo,
): UpstreamFetch {
  const scope = scopeOf(plan, source, info);
  const named = getNamedType(field.type);
  const selected = isCompositeType(named)
    ? upstreamSelectionSet(scope, named, info.fieldNodes.map((node) => node.selectionSet))
    : undefined;
  const selectionSet = selected && clientVariablesRenamed(selected, scope);
  const definitions: VariableDefinitionNode[] = [];
  const values: Record<string, unknown> = {};
  const argumentNodes: ArgumentNode[] = [];
  for (const argument of field.args) {
    const value = args[argument.name];
    if (value === undefined) continue;
    const variable = `a_${argument.name}`;
    definitions.push(variableDefinition(variable, upstreamTypeNode(plan, argument.type)));
    values[variable] = upstreamValue(argument.type, value);
    argumentNodes.push({ kind: Kind.ARGUMENT, name: name(argument.name), value: { kind: Kind.VARIABLE, name: name(variable) } });
  }
  const upstreamField: FieldNode = { kind: Kind.FIELD, name: name(upstreamName), arguments: argumentNodes, selectionSet };
  return finish(plan, info, scope, upstreamField, definitions, values, `${info.parentType.name}.${info.fieldName}`);
}

/** The fetch of a field below an entity: the field as the client selected it, already rewritten for the scope's source. */
export function entityFieldFetch(plan: DelegationPlan, field: FieldNode, info: GraphQLResolveInfo, scope: SelectionScope): UpstreamFetch {
  return finish(plan, info, scope, clientVariablesRenamed(field, scope), [], {}, `${info.parentType.name}.${info.fieldName}`);
}

export function scopeOf(plan: DelegationPlan, source: string, info: GraphQLResolveInfo): SelectionScope {
  return { plan, source, fragments: info.fragments, variables: new Set() };
}

/** Forwards the client's variables the field uses, renamed `$v_<name>` so they never meet the gateway's own. */
function finish(
  plan: DelegationPlan,
  info: GraphQLResolveInfo,
  scope: SelectionScope,
  field: FieldNode,
  definitions: VariableDefinitionNode[],
  values: Record<string, unknown>,
  label: string,
): UpstreamFetch {
  for (const variable of scope.variables) {
    const definition = info.operation.variableDefinitions?.find((d) => d.variable.name.value === variable);
    const type = definition && typeFromAST(info.schema, definition.type as never);
    if (!type || !isInputType(type)) continue;
    definitions.push(variableDefinition(`v_${variable}`, upstreamTypeNode(plan, type)));
    values[`v_${variable}`] = upstreamValue(type, info.variableValues[variable]);
  }
  return { field, variableDefinitions: definitions, variables: values, label, key: `${print(field)} ${JSON.stringify(values)}` };
}

/** The client's `$name` → `$v_name` in what was taken from the client's document. */
function clientVariablesRenamed<T extends FieldNode | SelectionSetNode>(node: T, scope: SelectionScope): T {
  if (scope.variables.size === 0) return node;
  return visit(node, {
    Variable(variable) {
      return { ...variable, name: name(`v_${variable.name.value}`) };
    },
  }) as T;
}

/** Every variable of a fetch, prefixed: fetches merged into one operation keep theirs apart. */
export function prefixed(fetch: UpstreamFetch, prefix: string): { field: FieldNode; definitions: VariableDefinitionNode[]; values: Record<string, unknown> } {
  const field = visit(fetch.field, {
    Variable(variable) {
      return { ...variable, name: name(prefix + variable.name.value) };
    },
  }) as FieldNode;
  const definitions = fetch.variableDefinitions.map((d) => variableDefinition(prefix + d.variable.name.value, d.type));
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fetch.variables)) values[prefix + key] = value;
  return { field, definitions, values };
}

export function variableDefinition(variable: string, type: VariableDefinitionNode['type']): VariableDefinitionNode {
  return { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: name(variable) }, type };
}

export function name(value: string) {
  return { kind: Kind.NAME, value } as const;
}
