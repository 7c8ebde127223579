import { fieldName, isValidGraphQLName, NameRegistry } from '../naming.js';
import type { AttributeItem, ComplexShape, ElementItem, SimpleShape } from './xsd/shapes.js';

/** The text of a `simpleContent` type, beside its attributes. */
export interface TextItem {
  readonly kind: 'text';
  readonly shape: SimpleShape;
}

export interface KeyedItem {
  /**
   * The item's name on the GraphQL side's objects: the element's local name, an
   * attribute's name (`@name` if an element has the same name), `value` for the text.
   * Outputs are read by it (`@wire(name:)` when the GraphQL name differs); the importer
   * and the runtime both derive it here, so they agree.
   */
  readonly key: string;
  readonly item: ElementItem | AttributeItem | TextItem;
}

/** The keyed items of a complex type, in order; an element name seen twice (two namespaces) keeps the first. */
export function keyedItems(shape: ComplexShape, extraElements: readonly ElementItem[] = []): KeyedItem[] {
  const result: KeyedItem[] = [];
  const elements = new Set<string>();
  for (const item of [...shape.items, ...extraElements]) {
    if (item.kind !== 'element') continue;
    let key = item.local;
    if (elements.has(key)) {
      if (!extraElements.includes(item)) continue;
      key = `${item.local}Header`;
    }
    elements.add(key);
    result.push({ key, item });
  }
  const taken = new Set(elements);
  for (const item of shape.items) {
    if (item.kind !== 'attribute') continue;
    const key = taken.has(item.local) ? `@${item.local}` : item.local;
    if (taken.has(key)) continue;
    taken.add(key);
    result.push({ key, item });
  }
  if (shape.text) result.push({ key: taken.has('value') ? '_value' : 'value', item: { kind: 'text', shape: shape.text } });
  return result;
}

/**
 * GraphQL names for keys, in order: the key itself when it is a valid name, else its
 * camelCase form, made unique. Arguments cannot carry `@wire`, so the runtime finds an
 * argument's element by recomputing this same mapping.
 */
export function graphqlNames(keys: readonly string[]): Map<string, string> {
  const registry = new NameRegistry();
  const names = new Map<string, string>();
  for (const key of keys) if (isValidGraphQLName(key)) names.set(key, registry.claim(key));
  for (const key of keys) if (!names.has(key)) names.set(key, registry.claim(fieldName(key)));
  return names;
}
