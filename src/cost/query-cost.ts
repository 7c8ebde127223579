import {
  Kind,
  valueFromASTUntyped,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostModel, FieldCost } from './cost-model.js';

/**
 * The estimated cost of running one operation of `document` with `variables`: the sum,
 * over every selected field, of its weight times the size of every list around it.
 * Fragments and inline fragments all count (an upper bound: the types they apply to are
 * not known before the answer); `@skip`/`@include` are not looked at, for the same
 * reason. Introspection costs nothing. Unknown operations and fields cost 0: validation
 * has refused them already.
 */
export function queryCost(
  model: CostModel,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) {
      operation ??= definition;
    }
  }
  if (!operation) return 0;
  const root = model.schema.getRootType(operation.operation);
  if (!root) return 0;
  const vars = variables ?? {};
  const fragmentCosts = new Map<string, number>();

  const selectionCost = (type: GraphQLNamedType, selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const cost = model.field(type.name, name);
        if (!cost) continue;
        let inner = 0;
        const returns = selection.selectionSet && model.schema.getType(cost.returns);
        if (returns) inner = selectionCost(returns, selection.selectionSet!);
        total += cost.weight + listSize(cost, selection.arguments ?? [], vars) * inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? model.schema.getType(selection.typeCondition.name.value) : type;
        if (condition) total += selectionCost(condition, selection.selectionSet);
      } else {
        const name = selection.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          const condition = fragment && model.schema.getType(fragment.typeCondition.name.value);
          // Validation refuses fragment cycles before execution; the 0 guards a direct call anyway.
          fragmentCosts.set(name, 0);
          cost = fragment && condition ? selectionCost(condition, fragment.selectionSet) : 0;
          fragmentCosts.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  return selectionCost(root, operation.selectionSet);
}

/** How many items a list field returns, by what the query says; 1 for a field that is not a list. */
function listSize(cost: FieldCost, args: readonly ArgumentNode[], variables: Readonly<Record<string, unknown>>): number {
  const list = cost.list;
  if (!list) return 1;
  const valueOf = (name: string): unknown => {
    const node = args.find((a) => a.name.value === name);
    return node ? valueFromASTUntyped(node.value, variables as Record<string, unknown>) : undefined;
  };
  let sliced: number | undefined;
  for (const name of list.slicingArguments) {
    const value = valueOf(name);
    if (typeof value === 'number' && Number.isFinite(value)) sliced = Math.max(sliced ?? 0, value);
  }
  if (sliced !== undefined) return Math.max(0, sliced);
  let longest: number | undefined;
  for (const name of list.listArguments) {
    const value = valueOf(name);
    if (Array.isArray(value)) longest = Math.max(longest ?? 0, value.length);
  }
  return longest ?? list.assumedSize;
}
