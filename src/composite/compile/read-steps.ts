import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { SchemaError, throwIfAny } from '../../errors/schema-error.js';
import type { ExportTest, PlanCondition } from '../plan.js';

/** A root field of a composite, as written, before dependencies are worked out. */
export interface RawStep {
  readonly key: string;
  /** Every node with this response key (GraphQL merges them). */
  readonly nodes: readonly FieldNode[];
  readonly field: GraphQLField<unknown, unknown>;
  readonly conditions: readonly PlanCondition[];
  readonly uses: ReadonlySet<string>;
  readonly fragments: ReadonlySet<string>;
  readonly exports: readonly RawExport[];
}

export interface RawExport {
  readonly variable: string;
  readonly path: readonly string[];
  readonly list: boolean;
  readonly test: ExportTest | undefined;
  /** The exported field's type, a list if `list`; Boolean when there is a test. */
  readonly fieldType: GraphQLOutputType;
  readonly node: DirectiveNode;
}

/**
 * Splits a composite operation into its steps (root fields, root fragments flattened,
 * conditions on those fragments carried down) and reads, for each, the variables it
 * uses and the values it exports. Every misplaced `@export` is reported, not only the first.
 */
export function readSteps(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
  root: GraphQLObjectType,
): RawStep[] {
  const byKey = new Map<string, { nodes: FieldNode[]; conditions: PlanCondition[] }>();
  const collectRoot = (selectionSet: SelectionSetNode, inherited: PlanCondition[], seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      const conditions = [...inherited, ...conditionsOf(selection.directives)];
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = byKey.get(key) ?? { nodes: [], conditions };
        entry.nodes.push(selection);
        byKey.set(key, entry);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collectRoot(selection.selectionSet, conditions, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) collectRoot(fragment.selectionSet, conditions, new Set([...seen, name]));
      }
    }
  };
  collectRoot(operation.selectionSet, [], new Set());

  const problems: SchemaError[] = [];
  const steps = [...byKey.entries()].flatMap(([key, { nodes, conditions }]) => {
    const field = root.getFields()[nodes[0].name.value];
    if (!field) {
      problems.push(new SchemaError(`${root.name} has no field "${nodes[0].name.value}"`, nodes[0]));
      return [];
    }
    const uses = new Set<string>();
    const usedFragments = new Set<string>();
    const exports: RawExport[] = [];
    const walk: ExportWalk = { fragments, schema, into: exports, problems };
    for (const node of nodes) {
      collectVariables(node, fragments, uses, usedFragments);
      walkExports(node, field.type, [], false, walk, new Set());
    }
    return [{ key, nodes, field, conditions, uses, fragments: usedFragments, exports }];
  });
  throwIfAny(problems);
  return steps;
}

/** What a walk for exports reads, and where it puts what it finds. */
interface ExportWalk {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly schema: GraphQLSchema;
  readonly into: RawExport[];
  readonly problems: SchemaError[];
}

function conditionsOf(directives: readonly DirectiveNode[] | undefined): PlanCondition[] {
  const conditions: PlanCondition[] = [];
  for (const directive of directives ?? []) {
    const kind = directive.name.value;
    if (kind !== 'include' && kind !== 'skip') continue;
    const argument = directive.arguments?.find((a) => a.name.value === 'if');
    if (!argument) continue;
    conditions.push(
      argument.value.kind === Kind.VARIABLE
        ? { kind, variable: argument.value.name.value, literal: undefined }
        : { kind, variable: undefined, literal: argument.value.kind === Kind.BOOLEAN ? argument.value.value : undefined },
    );
  }
  return conditions;
}

/** Every $variable under a node, through the fragments it spreads. */
function collectVariables(
  node: unknown,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  into: Set<string>,
  usedFragments: Set<string>,
): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectVariables(item, fragments, into, usedFragments);
    return;
  }
  const ast = node as { kind?: string; name?: { value: string } };
  if (ast.kind === Kind.VARIABLE) {
    into.add(ast.name!.value);
    return;
  }
  if (ast.kind === Kind.FRAGMENT_SPREAD) {
    const name = ast.name!.value;
    if (usedFragments.has(name)) return;
    usedFragments.add(name);
    collectVariables(fragments.get(name), fragments, into, usedFragments);
  }
  for (const [key, value] of Object.entries(ast)) {
    if (key !== 'loc' && value && typeof value === 'object') collectVariables(value, fragments, into, usedFragments);
  }
}

function walkExports(
  node: FieldNode,
  type: GraphQLOutputType,
  parentPath: readonly string[],
  parentList: boolean,
  walk: ExportWalk,
  seen: Set<string>,
): void {
  const path = [...parentPath, node.alias?.value ?? node.name.value];
  const list = parentList || containsList(type);
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== 'export') continue;
    if (node.selectionSet) {
      walk.problems.push(new SchemaError(`@export on "${path.join('.')}": only a leaf field (scalar or enum) can be exported`, directive));
      continue;
    }
    const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
    const { as, ...testArgs } = args as unknown as { as: string } & ExportTest;
    const test = Object.keys(testArgs).length > 0 ? (testArgs as ExportTest) : undefined;
    if (test && Object.keys(testArgs).length > 1) {
      walk.problems.push(new SchemaError(`@export(as: "${as}") has ${Object.keys(testArgs).join(' and ')}; give one test`, directive));
      continue;
    }
    walk.into.push({ variable: as, path, list, test, fieldType: type, node: directive });
  }
  if (!node.selectionSet) return;
  const named = getNamedType(type) as GraphQLCompositeType;
  walkSelections(node.selectionSet, named, path, list, walk, seen);
}

function walkSelections(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
  list: boolean,
  walk: ExportWalk,
  seen: Set<string>,
): void {
  const { fragments, schema } = walk;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
      const field = fields[selection.name.value];
      if (field) walkExports(selection, field.type, path, list, walk, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
      walkSelections(selection.selectionSet, type ?? parent, path, list, walk, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      const type = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
      walkSelections(fragment.selectionSet, type ?? parent, path, list, walk, new Set([...seen, fragment.name.value]));
    }
  }
}

function containsList(type: GraphQLOutputType): boolean {
  return isListType(getNullableType(type));
}
