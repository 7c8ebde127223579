import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';

/**
 * A composite field's arguments arrive coerced (enum values as their internal value);
 * its steps take them as variables, which graphql-js coerces again from their external
 * form. This turns coerced values back into that form.
 */
export function externalArguments(
  definitions: readonly GraphQLArgument[],
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const definition of definitions) {
    if (definition.name in values) out[definition.name] = toExternal(values[definition.name], definition.type);
  }
  return out;
}

function toExternal(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return toExternal(value, type.ofType);
  if (isListType(type)) return Array.isArray(value) ? value.map((item) => toExternal(item, type.ofType)) : toExternal(value, type.ofType);
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = fields[key] ? toExternal(item, fields[key].type) : item;
    }
    return out;
  }
  if (isEnumType(type) || isScalarType(type)) return type.serialize(value);
  return value;
}
