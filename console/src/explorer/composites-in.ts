import { Kind, parse } from 'graphql';

/**
 * The root fields an operation document calls that are composites (by name, among
 * `known`), in the order they appear; none when the text does not parse yet (mid-edit).
 */
export function compositesIn(query: string, known: ReadonlySet<string>): string[] {
  let document;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind === Kind.FIELD && known.has(selection.name.value) && !found.includes(selection.name.value)) found.push(selection.name.value);
    }
  }
  return found;
}
