import {
  getNamedType,
  GraphQLError,
  isEnumType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLFieldResolver,
  type GraphQLLeafType,
  type GraphQLOutputType,
} from 'graphql';

/** Where the errors of a composite's sub-executions wait for the field they belong to. */
const ERRORS = Symbol('skein.compositeErrors');

type Annotated = Record<string | symbol, unknown> & { [ERRORS]?: Record<string, GraphQLError> };

/**
 * Records an error of a step at its place in the composite's result: the object that
 * holds the failed field remembers it under the field's key, and the field's resolver
 * (below) throws it when the client selects it. So the client sees the error at its own
 * path, aliases included, next to the data that did arrive.
 */
export function placeError(result: Record<string, unknown>, error: GraphQLError, fallbackKey: string): void {
  const path = error.path && error.path.length > 0 ? error.path : [fallbackKey];
  let container: unknown = result;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const next = (container as Record<string | number, unknown>)[segment];
    const last = i === path.length - 1 || next === null || next === undefined || typeof next !== 'object';
    if (!last) {
      container = next;
      continue;
    }
    // A null item inside a list has no field of its own to carry the error; the data is kept.
    if (Array.isArray(container) || typeof segment !== 'string') return;
    const annotated = container as Annotated;
    const errors = (annotated[ERRORS] ??= {});
    errors[segment] ??= error;
    return;
  }
}

/**
 * Resolver for a field of a composite's result types: the value, or the error recorded
 * for it. Step results arrive serialized (an enum as its name, a Long as a string); the
 * result type serializes them again, so enum and custom scalar values are first turned
 * back into their internal form.
 */
export function compositeFieldResolver(type: GraphQLOutputType): GraphQLFieldResolver<unknown, unknown> {
  const named = getNamedType(type);
  const leaf = isEnumType(named) || (isScalarType(named) && !isSpecifiedScalarType(named)) ? (named as GraphQLLeafType) : undefined;
  const internal = leaf && ((value: unknown): unknown => (Array.isArray(value) ? value.map(internal!) : value === null ? null : leaf.parseValue(value)));
  return (parent, _args, _context, info) => {
    const value = (parent as Annotated)[info.fieldName];
    if (value === null || value === undefined) {
      const error = (parent as Annotated)[ERRORS]?.[info.fieldName];
      // A fresh error without a path, so graphql-js places it at the client's path.
      if (error) throw new GraphQLError(error.message, { extensions: error.extensions, originalError: error.originalError ?? undefined });
      return value;
    }
    return internal ? internal(value) : value;
  };
}
