import { Kind, print, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';

/**
 * Several subgraphs declare the same entity (`type Product @entity(source: "products") {…}`
 * in one file, `type Product @entity(source: "reviews") {…}` in another), and the same
 * value types and scalars: composition, as a supergraph does it. The first declaration of
 * a type stays; a later declaration of an @entity type becomes an extension that adds its
 * fields (a field both declare, such as the key, is kept once when both give it the same
 * type); a later declaration identical to the first is dropped. Anything else is left for
 * the schema's validation to report as declared twice.
 */
export function mergeEntityDeclarations(document: DocumentNode): DocumentNode {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const sources = entitySources(definition);
    for (const field of definition.fields ?? []) for (const source of sources) addOwner(field, source);
  }
  const first = new Map<string, DefinitionNode>();
  const fieldsOf = new Map<string, Map<string, FieldDefinitionNode>>();
  const definitions: DefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !isTypeDefinition(definition)) {
      definitions.push(definition);
      continue;
    }
    const name = definition.name.value;
    const earlier = first.get(name);
    if (!earlier) {
      first.set(name, definition);
      if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
        fieldsOf.set(name, new Map((definition.fields ?? []).map((f) => [f.name.value, f])));
      }
      definitions.push(definition);
      continue;
    }
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && earlier.kind === Kind.OBJECT_TYPE_DEFINITION && isEntity(definition) && isEntity(earlier)) {
      const known = fieldsOf.get(name)!;
      const fields = (definition.fields ?? []).filter((field) => {
        const same = known.get(field.name.value);
        if (same && print(same.type) === print(field.type)) {
          // Both subgraphs answer it (a key, a @shareable field): the one kept says so.
          for (const source of entitySources(definition)) addOwner(same, source);
          return false;
        }
        known.set(field.name.value, field);
        return true;
      });
      definitions.push({ ...definition, kind: Kind.OBJECT_TYPE_EXTENSION, description: undefined, interfaces: [], fields } as DefinitionNode);
      continue;
    }
    if (sameDeclaration(earlier, definition)) continue;
    definitions.push(definition);
  }
  return { ...document, definitions };
}

/**
 * The subgraphs that answer each field of an entity, by the field's declaration node: the
 * schema keeps these nodes as the fields' \`astNode\`, while how it groups them into type
 * definitions and extensions is its own business.
 */
const owners = new WeakMap<FieldDefinitionNode, Set<string>>();

/** The subgraphs whose @entity declarations wrote this field. */
export function entityFieldOwners(field: FieldDefinitionNode | null | undefined): ReadonlySet<string> | undefined {
  return field ? owners.get(field) : undefined;
}

function addOwner(field: FieldDefinitionNode, source: string): void {
  let set = owners.get(field);
  if (!set) {
    set = new Set();
    owners.set(field, set);
  }
  set.add(source);
}

function entitySources(definition: { readonly directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: { kind: string } }[] }[] }): string[] {
  return (definition.directives ?? []).flatMap((d) => {
    if (d.name.value !== 'entity') return [];
    const value = d.arguments?.find((a) => a.name.value === 'source')?.value as { kind: string; value?: string } | undefined;
    return value?.kind === Kind.STRING && value.value !== undefined ? [value.value] : [];
  });
}

function isTypeDefinition(definition: DefinitionNode): boolean {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.UNION_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION
  );
}

function isEntity(definition: ObjectTypeDefinitionNode): boolean {
  return (definition.directives ?? []).some((d) => d.name.value === 'entity');
}

/** The same declaration, descriptions aside. */
function sameDeclaration(a: DefinitionNode, b: DefinitionNode): boolean {
  return print(withoutDescriptions(a)) === print(withoutDescriptions(b));
}

function withoutDescriptions(node: DefinitionNode): DefinitionNode {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'description' || key === 'loc' ? undefined : value))) as DefinitionNode;
}
