import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  visit,
  type ASTNode,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { wireNameOf } from '../wire-names.js';
import type { DelegationPlan } from './delegation-plan.js';

/** What one delegation reads and collects while the client's selection is rewritten. */
export interface SelectionScope {
  readonly plan: DelegationPlan;
  /** The source the selection is sent to. */
  readonly source: string;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** Names of the client's variables the rewritten selection uses; filled in. */
  readonly variables: Set<string>;
}

/** Directives an upstream understands; the gateway's own (`@export`, …) stay behind. */
const FORWARDED_DIRECTIVES = new Set(['include', 'skip']);

/**
 * The client's selection under a field, as the source is asked for it: only the fields
 * the source itself answers, in its names, with aliases and arguments kept. Fragments are
 * inlined (their type conditions in upstream names), `__typename` is added where the type
 * is abstract (so the gateway can tell members apart), and a field another source answers
 * (a `@join`, another subgraph's entity field) is replaced by the parent fields that source
 * will need: the join's inputs or the entity's key.
 */
export function upstreamSelectionSet(
  scope: SelectionScope,
  type: GraphQLCompositeType,
  sets: readonly (SelectionSetNode | undefined)[],
): SelectionSetNode {
  const out: SelectionNode[] = [];
  const added = new Set<string>();
  for (const set of sets) if (set) collect(scope, type, set, out, added);
  if (isAbstractType(type) && !added.has('__typename')) out.push(plainField('__typename'));
  return { kind: Kind.SELECTION_SET, selections: out };
}

/** One field of the client's selection, rewritten for the source (see upstreamSelectionSet). */
export function upstreamField(
  scope: SelectionScope,
  field: GraphQLField<unknown, unknown>,
  nodes: readonly FieldNode[],
  name = wireNameOf(field) ?? field.name,
): FieldNode {
  const first = nodes[0];
  const responseKey = first.alias?.value ?? first.name.value;
  const named = getNamedType(field.type);
  for (const argument of first.arguments ?? []) noteVariables(scope, argument);
  const directives = forwardedDirectives(scope, first.directives);
  return {
    kind: Kind.FIELD,
    alias: responseKey === name ? undefined : { kind: Kind.NAME, value: responseKey },
    name: { kind: Kind.NAME, value: name },
    arguments: first.arguments,
    directives,
    selectionSet: isCompositeType(named) ? upstreamSelectionSet(scope, named, nodes.map((n) => n.selectionSet)) : undefined,
  };
}

function collect(scope: SelectionScope, type: GraphQLCompositeType, set: SelectionSetNode, out: SelectionNode[], added: Set<string>): void {
  for (const selection of set.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        if (name === '__typename') {
          out.push({ ...selection, directives: forwardedDirectives(scope, selection.directives) });
          if (!selection.alias) added.add(name);
          continue;
        }
        if (!isObjectType(type) && !isInterfaceType(type)) continue;
        const field = type.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
        if (!field) continue;
        if (isObjectType(type)) {
          const joinInputs = scope.plan.joinInputsOf(type.name, name);
          if (joinInputs) {
            for (const input of joinInputs) addOnce(out, added, injected(plainField(input)));
            continue;
          }
          const owners = scope.plan.ownersOf(type.name, name);
          if (owners.size > 0 && !owners.has(scope.source)) {
            const key = [...owners].map((owner) => scope.plan.keyFor(type.name, owner)).find(Boolean);
            if (key) {
              for (const keyField of key.fields.selections) addOnce(out, added, injected(keyField as FieldNode));
              continue;
            }
          }
        }
        out.push(upstreamField(scope, field, [selection]));
        continue;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition ? scope.plan.schema.getType(selection.typeCondition.name.value) : type;
        if (!condition || !isCompositeType(condition)) continue;
        out.push(inlineFragment(scope, condition, selection.selectionSet, selection.directives));
        continue;
      }
      case Kind.FRAGMENT_SPREAD: {
        const fragment = scope.fragments[selection.name.value];
        const condition = fragment && scope.plan.schema.getType(fragment.typeCondition.name.value);
        if (!condition || !isCompositeType(condition)) continue;
        out.push(inlineFragment(scope, condition, fragment.selectionSet, selection.directives));
        continue;
      }
    }
  }
}

function inlineFragment(
  scope: SelectionScope,
  condition: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  directives: readonly DirectiveNode[] | undefined,
): SelectionNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: scope.plan.upstreamTypeName(condition) } },
    directives: forwardedDirectives(scope, directives),
    selectionSet: upstreamSelectionSet(scope, condition, [selectionSet]),
  };
}

function forwardedDirectives(scope: SelectionScope, directives: readonly DirectiveNode[] | undefined): DirectiveNode[] | undefined {
  const kept = directives?.filter((d) => FORWARDED_DIRECTIVES.has(d.name.value));
  for (const directive of kept ?? []) noteVariables(scope, directive);
  return kept && kept.length > 0 ? kept : undefined;
}

function noteVariables(scope: SelectionScope, node: ASTNode): void {
  visit(node, {
    Variable(variable) {
      scope.variables.add(variable.name.value);
    },
  });
}

/** Adds a field the gateway needs (a key, a join's input) once, under its private response key. */
function addOnce(out: SelectionNode[], added: Set<string>, field: FieldNode): void {
  const id = field.alias?.value ?? field.name.value;
  if (added.has(id)) return;
  added.add(id);
  out.push(field);
}

/**
 * The prefix of the response keys the gateway asks its own fields under (a join's
 * inputs, an entity's key): the client's aliases may use any other name, `id: name`
 * included, without the two meeting in one upstream selection.
 */
const INJECTED_PREFIX = '_skein_';

/** `upc` → `_skein_upc: upc`. */
function injected(field: FieldNode): FieldNode {
  return { ...field, alias: { kind: Kind.NAME, value: injectedKey(field.name.value) } };
}

/** The response key a field the gateway needed for itself was asked under. */
export function injectedKey(fieldName: string): string {
  return INJECTED_PREFIX + fieldName;
}

/**
 * A field of a parent object the gateway needs (a key field, a join's input): the value
 * it asked for under its private key when the object came from a GraphQL source, else the
 * field as the object has it (REST, SOAP, or a GraphQL object the key was not injected in).
 */
export function ownFieldOf(parent: Readonly<Record<string, unknown>>, fieldName: string): unknown {
  const key = injectedKey(fieldName);
  return key in parent ? parent[key] : parent[fieldName];
}

function plainField(name: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } };
}
