import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLEnumValue,
  type ConstDirectiveNode,
} from 'graphql';

/**
 * Upstream names that are not valid GraphQL names (`created-at`, `+1`, `@type`) are
 * renamed by the importers, which record the original with `@wire(name: "…")`. This
 * module reads those records: outputs are read by their wire name, inputs are sent
 * under it. Enum values use the same directive, applied when the schema is built.
 */
export const WIRE_DIRECTIVE = 'wire';

type Described =
  | Pick<GraphQLField<unknown, unknown> | GraphQLInputField | GraphQLEnumValue, 'astNode'>
  | { readonly astNode?: { readonly directives?: readonly ConstDirectiveNode[] } | null };

/** The `@wire(name:)` of a field, input field, enum value or type, if it has one. */
export function wireNameOf(element: Described): string | undefined {
  const directive = element.astNode?.directives?.find((d) => d.name.value === WIRE_DIRECTIVE);
  const argument = directive?.arguments?.find((a) => a.name.value === 'name');
  return argument?.value.kind === 'StringValue' ? argument.value.value : undefined;
}

export type ToWire = (value: unknown) => unknown;

/**
 * A function that renames the keys of an input value (recursively) to their wire names,
 * or undefined when the type has no renamed field anywhere, so the common case costs
 * nothing per call.
 */
export function inputToWire(type: GraphQLInputType): ToWire | undefined {
  return compile(type, new Map());
}

function compile(type: GraphQLInputType, seen: Map<string, ToWire | undefined | 'pending'>): ToWire | undefined {
  if (isNonNullType(type)) return compile(type.ofType, seen);
  if (isListType(type)) {
    const item = compile(type.ofType, seen);
    return item && ((value) => (Array.isArray(value) ? value.map(item) : item(value)));
  }
  if (!isInputObjectType(type)) return undefined;
  const named = getNamedType(type);
  const known = seen.get(named.name);
  if (known === 'pending') return recursive(named.name, seen);
  if (seen.has(named.name)) return known as ToWire | undefined;
  seen.set(named.name, 'pending');

  const fields = Object.values(type.getFields()).map((field) => ({
    name: field.name,
    wire: wireNameOf(field) ?? field.name,
    convert: compile(field.type, seen),
  }));
  const needed = fields.some((f) => f.wire !== f.name || f.convert);
  const converter: ToWire | undefined = needed
    ? (value) => {
        if (value === null || typeof value !== 'object') return value;
        const out: Record<string, unknown> = {};
        for (const field of fields) {
          const item = (value as Record<string, unknown>)[field.name];
          if (item !== undefined) out[field.wire] = field.convert ? field.convert(item) : item;
        }
        return out;
      }
    : undefined;
  seen.set(named.name, converter);
  return converter;
}

// A self-referencing input type: look the converter up at call time, once it exists.
function recursive(name: string, seen: Map<string, ToWire | undefined | 'pending'>): ToWire {
  return (value) => {
    const converter = seen.get(name);
    return typeof converter === 'function' ? converter(value) : value;
  };
}
