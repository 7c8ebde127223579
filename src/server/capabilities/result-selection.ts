import { getNamedType, isLeafType, isObjectType, type GraphQLField } from 'graphql';

/**
 * The selection set that asks for everything a composite returns. Its result types
 * mirror its document's selection sets (so they are finite); interface and union
 * selections are JSON leaves. `{ order { id total } user { name } }`
 */
export function fullSelection(field: GraphQLField<unknown, unknown>): string {
  const select = (type: ReturnType<typeof getNamedType>, depth: number): string => {
    if (isLeafType(type) || !isObjectType(type) || depth > 32) return '';
    const fields = Object.values(type.getFields()).map((f) => {
      const named = getNamedType(f.type);
      return isLeafType(named) ? f.name : `${f.name} ${select(named, depth + 1)}`;
    });
    return `{ ${fields.join(' ')} }`;
  };
  return select(getNamedType(field.type), 0);
}
