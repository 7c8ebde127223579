// A GraphQL selection of every field of a result type, recursively: objects to a bounded
// depth, unions and interfaces through an inline fragment per member (fields aliased by
// member, so members whose same-named fields have different types do not conflict).
import { getNamedType, isAbstractType, isLeafType, isObjectType, isRequiredArgument } from 'graphql';
import { wireName } from './wire.js';

/**
 * The selection tree under a named type: [{ alias, name, wire, type, children?, fragments? }],
 * or undefined for a leaf. `budget` ({ fields }) bounds the whole query's size.
 */
export function selectEverything(schema, type, { maxDepth, budget }, depth = 1) {
  const named = getNamedType(type);
  if (isLeafType(named)) return undefined;
  if (isAbstractType(named)) {
    const fragments = schema.getPossibleTypes(named).map((member) => ({
      typeName: member.name,
      children: objectFields(schema, member, { maxDepth, budget }, depth, `${member.name}_`),
    }));
    return { children: [typename()], fragments };
  }
  return { children: objectFields(schema, named, { maxDepth, budget }, depth, '') };
}

function objectFields(schema, objectType, options, depth, aliasPrefix) {
  const nodes = [];
  for (const field of Object.values(objectType.getFields())) {
    if (field.args.some(isRequiredArgument)) continue;
    const named = getNamedType(field.type);
    const node = { alias: `${aliasPrefix}${field.name}`, name: field.name, wire: wireName(field), type: field.type };
    if (!isLeafType(named)) {
      if (depth >= options.maxDepth || options.budget.fields <= 0) continue;
      Object.assign(node, selectEverything(schema, named, options, depth + 1));
    }
    options.budget.fields -= 1;
    nodes.push(node);
  }
  // An object whose fields were all cut off still needs a selection.
  return nodes.length > 0 ? nodes : [typename()];
}

function typename() {
  return { alias: '__typename', name: '__typename', wire: '__typename', type: undefined };
}

/** The selection as GraphQL text. */
export function printSelection(selection) {
  if (!selection) return '';
  const parts = selection.children.map(printNode);
  for (const fragment of selection.fragments ?? []) {
    parts.push(`... on ${fragment.typeName} { ${fragment.children.map(printNode).join(' ')} }`);
  }
  return `{ ${parts.join(' ')} }`;
}

function printNode(node) {
  const head = node.alias === node.name ? node.name : `${node.alias}: ${node.name}`;
  return node.children ? `${head} ${printSelection(node)}` : head;
}

export function isObjectSelection(type) {
  return isObjectType(getNamedType(type));
}
