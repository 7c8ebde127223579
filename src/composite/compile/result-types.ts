import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,

  Kind,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { NameRegistry, typeName } from '../../sources/index.js';

/** SDL of the types that mirror a composite's selection set, for its field's result. */
export interface ResultTypes {
  /** The type of the composite field itself. */
  readonly rootType: string;
  /** Every generated type name (their fields resolve through the composite's error map). */
  readonly typeNames: readonly string[];
  readonly sdl: string;
}

/**
 * Generates one object type per selection set, named after the composite and the path
 * (`HotelOrder`, `HotelOrderOrder`), with fields named by response key (so aliases
 * become fields), descriptions copied from the source fields, and the same list and
 * non-null wrapping as the source, except that each step is nullable (a step can fail
 * or be skipped) and so is any field under @include/@skip. A selection on an interface
 * or union becomes JSON: its shape depends on the runtime type.
 */
export function resultTypes(
  compositeName: string,
  steps: readonly { key: string; nodes: readonly FieldNode[]; type: GraphQLOutputType; description?: string | null }[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
  names: NameRegistry,
): ResultTypes {
  const definitions: string[] = [];
  const typeNames: string[] = [];

  const typeFor = (type: GraphQLOutputType, nodes: readonly FieldNode[], hint: string, nullable: boolean): string => {
    if (isNonNullType(type)) {
      const inner = typeFor(type.ofType, nodes, hint, false);
      return nullable ? inner : `${inner}!`;
    }
    if (isListType(type)) return `[${typeFor(type.ofType, nodes, hint, false)}]`;
    const named = getNamedType(type);
    if (isLeafType(named)) return named.name;
    if (isAbstractType(named)) return 'JSON';
    return objectType(named as GraphQLObjectType, nodes, hint);
  };

  const objectType = (type: GraphQLObjectType, nodes: readonly FieldNode[], hint: string): string => {
    const name = names.claim(hint);
    typeNames.push(name);
    const grouped = new Map<string, FieldNode[]>();
    for (const node of nodes) if (node.selectionSet) collectFields(node.selectionSet, type, schema, fragments, grouped);
    const fields = [...grouped.entries()].map(([key, fieldNodes]) => {
      const definition = type.getFields()[fieldNodes[0].name.value];
      const conditional = fieldNodes.some((n) => n.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip'));
      const fieldType = typeFor(definition.type, fieldNodes, `${hint}${typeName(key)}`, conditional);
      return `${describe(definition.description)}  ${key}: ${fieldType}`;
    });
    definitions.unshift(`${describe(type.description, '')}type ${name} {\n${fields.join('\n')}\n}`);
    return name;
  };

  const rootType = names.claim(typeName(compositeName));
  typeNames.push(rootType);
  const rootFields = steps.map(
    (step) => `${describe(step.description)}  ${step.key}: ${typeFor(step.type, step.nodes, `${rootType}${typeName(step.key)}`, true)}`,
  );
  definitions.unshift(`"""Result of the composite ${compositeName}."""\ntype ${rootType} {\n${rootFields.join('\n')}\n}`);
  return { rootType, typeNames, sdl: definitions.join('\n\n') };
}

/** Groups the fields selected on an object type by response key, through fragments. */
function collectFields(
  selectionSet: SelectionSetNode,
  type: GraphQLObjectType,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  into: Map<string, FieldNode[]>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), selection]);
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition && schema.getType(fragment.typeCondition.name.value);
      const applies =
        !condition ||
        condition === type ||
        (isInterfaceType(condition) && type.getInterfaces().includes(condition)) ||
        (isAbstractType(condition) && schema.isSubType(condition, type));
      if (applies) collectFields(fragment.selectionSet, type, schema, fragments, into);
    }
  }
}

function describe(description: string | null | undefined, indent = '  '): string {
  if (!description) return '';
  return `${indent}${print({ kind: Kind.STRING, value: description, block: true })}\n`;
}

