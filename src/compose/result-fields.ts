import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';

/** A field inside a step's result that can feed another step: `order.userId`, `orders[].userId`. */
export interface ResultField {
  /** Field names from the step's value down to it; empty for the step's whole (scalar) result. */
  readonly path: readonly string[];
  /** Its type's name: `ID`, `Float`, `VerificationStatus`. */
  readonly type: GraphQLNamedType;
  /** A list lies on the path (or is the field itself): exported, the values form a list. */
  readonly list: boolean;
  /** The object type that holds the field (undefined for a whole result). */
  readonly owner: string | undefined;
}

/** A `@join`ed field is another call; a drafted step neither selects nor wires through it. */
export function isJoined(field: GraphQLField<unknown, unknown>): boolean {
  return field.astNode?.directives?.some((d) => d.name.value === 'join') ?? false;
}

/** A field that can be selected without arguments. */
export function selectable(field: GraphQLField<unknown, unknown>): boolean {
  return !isJoined(field) && field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined);
}

/** Whether a list lies anywhere in the type (`[[Int]]`, `[User!]!`). */
function hasList(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

/**
 * The leaf fields of a step's result that another step may use: the whole result when
 * it is a scalar, else the scalars of the result type and of the objects directly
 * inside it (through lists), as the drafted selection has them.
 */
export function resultFields(type: GraphQLOutputType): ResultField[] {
  const named = getNamedType(type);
  const list = hasList(type);
  if (isLeafType(named)) return [{ path: [], type: named, list, owner: undefined }];
  if (!isObjectType(named)) return [];
  const found: ResultField[] = [];
  for (const field of Object.values(named.getFields())) {
    if (!selectable(field)) continue;
    const inner = getNamedType(field.type);
    if (isLeafType(inner)) found.push({ path: [field.name], type: inner, list: list || hasList(field.type), owner: named.name });
    else if (isObjectType(inner)) {
      for (const nested of Object.values(inner.getFields())) {
        const leaf = getNamedType(nested.type);
        if (!selectable(nested) || !isLeafType(leaf)) continue;
        found.push({ path: [field.name, nested.name], type: leaf, list: list || hasList(field.type) || hasList(nested.type), owner: inner.name });
      }
    }
  }
  return found;
}

/**
 * The field at `path` under a type (`['address', 'city']`), with whether a list lies on
 * the way, or the names the last existing level has (for the error message).
 */
export function fieldAt(
  type: GraphQLOutputType,
  path: readonly string[],
): { field: ResultField } | { missing: string; known: string[] } {
  let current: GraphQLOutputType = type;
  let list = hasList(type);
  let owner: string | undefined;
  for (const name of path) {
    const named = getNamedType(current);
    if (!isObjectType(named)) return { missing: name, known: [] };
    const field = named.getFields()[name];
    if (!field || isJoined(field)) return { missing: name, known: Object.values(named.getFields()).filter((f) => !isJoined(f)).map((f) => f.name) };
    owner = named.name;
    current = field.type;
    list ||= hasList(field.type);
  }
  return { field: { path, type: getNamedType(current), list, owner } };
}
