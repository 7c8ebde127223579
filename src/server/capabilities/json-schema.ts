import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas of GraphQL types. Object, input and enum types become named component
 * schemas (`#/components/schemas/Name`, as OpenAPI keeps them; a standalone schema such
 * as an MCP tool's passes `#/$defs/`), collected in `components`; nullable types
 * allow null; custom scalars (JSON, Long, …) allow any value unless they are known.
 */
export class JsonSchemas {
  readonly components: Record<string, JsonSchema> = {};

  constructor(private readonly refPrefix = '#/components/schemas/') {}

  of(type: GraphQLOutputType | GraphQLInputType): JsonSchema {
    if (isNonNullType(type)) return this.#nonNull(type.ofType);
    const inner = this.#nonNull(type);
    return Object.keys(inner).length === 0 ? inner : { anyOf: [inner, { type: 'null' }] };
  }

  #nonNull(type: GraphQLOutputType | GraphQLInputType): JsonSchema {
    if (isListType(type)) return { type: 'array', items: this.of(type.ofType) };
    const named = getNamedType(type) as GraphQLNamedType;
    if (isScalarType(named)) return scalarSchema(named.name);
    this.#define(named);
    return { $ref: `${this.refPrefix}${named.name}` };
  }

  #define(type: GraphQLNamedType): void {
    if (this.components[type.name]) return;
    if (isEnumType(type)) {
      this.components[type.name] = { type: 'string', enum: type.getValues().map((v) => v.name), ...describe(type.description) };
      return;
    }
    if (isObjectType(type) || isInputObjectType(type)) {
      this.components[type.name] = { type: 'object' }; // placeholder: recursive types refer to it
      const fields = Object.values(type.getFields());
      this.components[type.name] = {
        type: 'object',
        ...describe(type.description),
        properties: Object.fromEntries(fields.map((f) => [f.name, { ...this.of(f.type), ...describe(f.description) }])),
        required: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
        additionalProperties: false,
      };
      return;
    }
    // Interfaces and unions: their shape depends on the runtime type.
    this.components[type.name] = { type: 'object', ...describe(type.description) };
  }
}

/** The JSON Schema of a scalar; unknown custom scalars accept any value. */
function scalarSchema(name: string): JsonSchema {
  switch (name) {
    case 'String':
    case 'ID':
      return { type: 'string' };
    case 'Int':
      return { type: 'integer', format: 'int32' };
    case 'Float':
      return { type: 'number' };
    case 'Boolean':
      return { type: 'boolean' };
    default:
      return {};
  }
}

function describe(description: string | null | undefined): JsonSchema {
  return description ? { description } : {};
}
