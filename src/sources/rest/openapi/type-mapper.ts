import { Kind, print } from 'graphql';
import { enumValueName, fieldName, isValidGraphQLName, NameRegistry, typeName } from '../../naming.js';
import type {
  EnumTypeDefinition,
  FieldDefinition,
  InputTypeDefinition,
  ObjectTypeDefinition,
  TypeDefinition,
  UnionTypeDefinition,
} from './sdl-model.js';
import type { ChoiceShape, EnumShape, ObjectShape, Shape, ShapeReader } from './schema-shape.js';

/** A GraphQL type for a schema, as written in SDL but without the outer `!`. */
export interface MappedType {
  /** `Pet`, `[Pet!]`, `JSON`. */
  readonly type: string;
  /** The schema allows null; a required field of a non-nullable type gets `!`. */
  readonly nullable: boolean;
  readonly shape: Shape;
}

export interface TypeMapperOptions {
  /** Put before every generated type name (`Gh` → `GhRepository`), to keep sources apart. */
  readonly typePrefix?: string;
  /** Names the generated types must not take (built-in scalars, Skein's directive inputs). */
  readonly reserved?: Iterable<string>;
}

/**
 * Turns schemas into GraphQL types and collects the named types it creates.
 *
 * - Output and input types are separate: `Pet` and `PetInput`. Enums are shared.
 * - A schema reached through `#/components/schemas/X` (2.0: `#/definitions/X`) is named `X`;
 *   component names are claimed first, in sorted order, so they never get a suffix
 *   because of an inline schema. Inline schemas are named after where they are used
 *   (`PetStatus`, `GetPetByIdResponse`), or their `title`.
 * - A named type is registered before its fields are mapped, so recursive schemas end.
 */
export class TypeMapper {
  readonly #shapes: ShapeReader;
  readonly #names: NameRegistry;
  readonly #prefix: string;
  readonly #componentNames = new Map<object, string>();
  readonly #outputs = new Map<object, string>();
  readonly #inputs = new Map<object, string>();
  /** Input types whose fields are being mapped: a required field back to one of them must be nullable. */
  readonly #inputsInProgress = new Set<string>();
  readonly #enums = new Map<object, EnumTypeDefinition>();
  readonly #definitions: TypeDefinition[] = [];

  constructor(shapes: ShapeReader, components: ReadonlyMap<object, string>, options: TypeMapperOptions = {}) {
    this.#shapes = shapes;
    this.#prefix = options.typePrefix ?? '';
    this.#names = new NameRegistry(options.reserved);
    const sorted = [...components].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [schema, name] of sorted) this.#componentNames.set(schema, this.#names.claim(this.#prefix + typeName(name)));
  }

  /** Every named type created so far. */
  get definitions(): readonly TypeDefinition[] {
    return this.#definitions;
  }

  shapeOf(schema: unknown): Shape {
    return this.#shapes.shapeOf(schema);
  }

  /** The output type of a schema; `hint` names an inline schema after where it is used. */
  output(schema: unknown, hint: readonly string[]): MappedType {
    return this.#output(this.shapeOf(schema), hint);
  }

  /** The input type of a schema (no unions in GraphQL inputs: a choice of objects is JSON). */
  input(schema: unknown, hint: readonly string[]): MappedType {
    return this.#input(this.shapeOf(schema), hint);
  }

  /**
   * A schema's `default` as a GraphQL literal of the mapped type, or undefined when it
   * cannot be one (objects, lists of objects, values of the wrong type).
   */
  literal(mapped: MappedType, value: unknown): string | undefined {
    const { shape } = mapped;
    if (value === undefined || value === null) return undefined;
    if (shape.kind === 'array') {
      if (!Array.isArray(value)) return undefined;
      const itemShape = this.shapeOf(shape.items);
      const items = value.map((item) => this.literal({ type: '', nullable: false, shape: itemShape }, item));
      return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
    }
    if (shape.kind === 'enum') {
      const definition = this.#enums.get(shape.identity);
      return definition?.values.find((v) => (v.wireName ?? v.name) === value)?.name;
    }
    if (shape.kind !== 'scalar') return undefined;
    switch (shape.scalar) {
      case 'String':
        return typeof value === 'string' ? print({ kind: Kind.STRING, value }) : undefined;
      case 'Boolean':
        return typeof value === 'boolean' ? String(value) : undefined;
      case 'Int':
        return Number.isInteger(value) && Math.abs(value as number) < 2 ** 31 ? String(value) : undefined;
      case 'Float':
        return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    }
  }

  #output(shape: Shape, hint: readonly string[]): MappedType {
    const mapped = (type: string): MappedType => ({ type, nullable: shape.nullable, shape });
    switch (shape.kind) {
      case 'scalar':
        return mapped(shape.scalar);
      case 'enum':
        return mapped(this.#enum(shape, hint).name);
      case 'array': {
        const item = this.output(shape.items, hint);
        return mapped(`[${item.type}${item.nullable ? '' : '!'}]`);
      }
      case 'object':
        return mapped(this.#visible(shape, 'output').length > 0 ? this.#objectType(shape, hint) : 'JSON');
      case 'choice':
        return mapped(this.#union(shape, hint) ?? this.#commonScalar(shape) ?? 'JSON');
      case 'any':
        return mapped('JSON');
    }
  }

  #input(shape: Shape, hint: readonly string[]): MappedType {
    const mapped = (type: string): MappedType => ({ type, nullable: shape.nullable, shape });
    switch (shape.kind) {
      case 'scalar':
        return mapped(shape.scalar);
      case 'enum':
        return mapped(this.#enum(shape, hint).name);
      case 'array': {
        const item = this.input(shape.items, hint);
        return mapped(`[${item.type}${item.nullable ? '' : '!'}]`);
      }
      case 'object':
        return mapped(this.#visible(shape, 'input').length > 0 ? this.#inputType(shape, hint) : 'JSON');
      case 'choice':
        return mapped(this.#commonScalar(shape) ?? 'JSON');
      case 'any':
        return mapped('JSON');
    }
  }

  #objectType(shape: ObjectShape, hint: readonly string[]): string {
    const known = this.#outputs.get(shape.identity);
    if (known) return known;
    const name = this.#nameFor(shape, hint);
    this.#outputs.set(shape.identity, name);
    const definition: ObjectTypeDefinition = { kind: 'object', name, description: this.#typeDescription(shape), fields: [] };
    this.#definitions.push(definition);
    definition.fields.push(...this.#fields(shape, name, 'output'));
    return name;
  }

  #inputType(shape: ObjectShape, hint: readonly string[]): string {
    const known = this.#inputs.get(shape.identity);
    if (known) return known;
    const component = this.#componentNames.get(shape.identity);
    const base = component ?? this.#prefix + typeName(shape.title ?? hint.join(' '));
    const name = this.#names.claim(base.endsWith('Input') ? base : `${base}Input`);
    this.#inputs.set(shape.identity, name);
    const definition: InputTypeDefinition = { kind: 'input', name, description: this.#typeDescription(shape), fields: [] };
    this.#definitions.push(definition);
    // Inline types and enums inside are named after the output name (`PetStatus`, not `PetInputStatus`).
    this.#inputsInProgress.add(name);
    definition.fields.push(...this.#fields(shape, base, 'input'));
    this.#inputsInProgress.delete(name);
    return name;
  }

  /** Properties as fields: valid names kept, others renamed with their wire name recorded. */
  #fields(shape: ObjectShape, hint: string, direction: 'output' | 'input'): FieldDefinition[] {
    const visible = this.#visible(shape, direction);
    const names = fieldNamesOf(visible.map((p) => p.property.name));
    return visible.map(({ property, shape: propertyShape }) => {
      const mapped = direction === 'output' ? this.#output(propertyShape, [hint, property.name]) : this.#input(propertyShape, [hint, property.name]);
      // GraphQL rejects an input that contains itself through non-null fields (no value could
      // be written); every such cycle passes through a field back to a type still in progress.
      const cycle = direction === 'input' && this.#inputsInProgress.has(mapped.type);
      const nonNull = property.required && !mapped.nullable && !cycle;
      const name = names.get(property.name)!;
      return {
        name,
        wireName: name === property.name ? undefined : property.name,
        type: `${mapped.type}${nonNull ? '!' : ''}`,
        description: propertyShape.localDescription,
        deprecated: direction === 'output' && propertyShape.deprecated,
      };
    });
  }

  /** Output types leave out writeOnly properties; input types readOnly ones. */
  #visible(shape: ObjectShape, direction: 'output' | 'input') {
    return shape.properties
      .map((property) => ({ property, shape: this.shapeOf(property.schema) }))
      .filter(({ shape: s }) => (direction === 'output' ? !s.writeOnly : !s.readOnly));
  }

  #enum(shape: EnumShape, hint: readonly string[]): EnumTypeDefinition {
    const known = this.#enums.get(shape.identity);
    if (known) return known;
    const names = new NameRegistry();
    const distinct = [...new Set(shape.values)];
    // Values already in enum style keep their name; the others are renamed after them.
    const chosen = new Map<string, string>();
    for (const value of distinct) if (enumValueName(value) === value) chosen.set(value, names.claim(value));
    for (const value of distinct) if (!chosen.has(value)) chosen.set(value, names.claim(enumValueName(value)));
    const definition: EnumTypeDefinition = {
      kind: 'enum',
      name: this.#nameFor(shape, hint),
      description: this.#typeDescription(shape),
      values: distinct.map((value) => ({ name: chosen.get(value)!, wireName: chosen.get(value) === value ? undefined : value })),
    };
    this.#enums.set(shape.identity, definition);
    this.#definitions.push(definition);
    return definition;
  }

  /**
   * `oneOf`/`anyOf` whose members are all objects (with at least one field) is a union
   * of their types; otherwise undefined (the caller falls back to a scalar or JSON).
   */
  #union(shape: ChoiceShape, hint: readonly string[]): string | undefined {
    const known = this.#outputs.get(shape.identity);
    if (known) return known;
    const members = shape.members.map((member) => ({ raw: member, shape: this.shapeOf(member) }));
    const objects = members.filter((m): m is { raw: unknown; shape: ObjectShape } => m.shape.kind === 'object' && this.#visible(m.shape, 'output').length > 0);
    if (objects.length !== members.length) return undefined;
    const distinct = [...new Map(objects.map((m) => [m.shape.identity, m])).values()];
    if (distinct.length === 1) return this.#objectType(distinct[0].shape, hint);

    const name = this.#nameFor(shape, hint);
    this.#outputs.set(shape.identity, name);
    const definition: UnionTypeDefinition = { kind: 'union', name, description: this.#typeDescription(shape), members: [], discriminator: undefined };
    this.#definitions.push(definition);
    const memberNames = distinct.map((member, i) => this.#objectType(member.shape, [name, `option ${i + 1}`]));
    Object.assign(definition, {
      members: [...new Set(memberNames)],
      discriminator: shape.discriminator && {
        property: shape.discriminator.property,
        mapping: this.#discriminatorMapping(shape, distinct.map((m) => m.shape), memberNames),
      },
    });
    return name;
  }

  /**
   * OpenAPI's mapping (value → `$ref` or schema name), completed with the implicit one
   * (a member component's name is its value), as value → GraphQL type name.
   */
  #discriminatorMapping(shape: ChoiceShape, members: readonly ObjectShape[], memberNames: readonly string[]) {
    const mapping: { value: string; type: string }[] = [];
    const byIdentity = new Map(members.map((m, i) => [m.identity, memberNames[i]]));
    for (const [value, target] of Object.entries(shape.discriminator?.mapping ?? {})) {
      const ref = target.includes('/') || target.startsWith('#') ? target : `#/components/schemas/${target}`;
      const resolved = this.shapeOf({ $ref: ref });
      const type = byIdentity.get(resolved.identity) ?? members.map((m, i) => (m.componentName === target ? memberNames[i] : undefined)).find(Boolean);
      if (type) mapping.push({ value, type });
    }
    for (const [i, member] of members.entries()) {
      if (member.componentName && !mapping.some((m) => m.value === member.componentName)) {
        mapping.push({ value: member.componentName, type: memberNames[i] });
      }
    }
    return mapping;
  }

  /** A choice of scalars that all read as the same GraphQL scalar (enums read as String). */
  #commonScalar(shape: ChoiceShape): string | undefined {
    const scalars = new Set(
      shape.members.map((member) => {
        const s = this.shapeOf(member);
        return s.kind === 'scalar' ? s.scalar : s.kind === 'enum' ? 'String' : undefined;
      }),
    );
    if (scalars.has(undefined)) return undefined;
    if (scalars.size === 1) return [...scalars][0];
    if (scalars.size === 2 && scalars.has('Int') && scalars.has('Float')) return 'Float';
    return undefined;
  }

  #nameFor(shape: Shape, hint: readonly string[]): string {
    const component = this.#componentNames.get(shape.identity);
    if (component) return component;
    return this.#names.claim(this.#prefix + typeName(shape.title ?? hint.join(' ')));
  }

  // Components carry their description on the type; an inline schema's is on the field using it.
  #typeDescription(shape: Shape): string | undefined {
    return this.#componentNames.has(shape.identity) ? shape.description : undefined;
  }
}

/**
 * Field names for one type's properties: valid GraphQL names are kept as they are (and
 * claimed first, so they never get a suffix); the others are made valid (`+1` → `plus1`).
 */
function fieldNamesOf(properties: readonly string[]): Map<string, string> {
  const registry = new NameRegistry();
  const names = new Map<string, string>();
  for (const property of properties) if (isValidGraphQLName(property)) names.set(property, registry.claim(property));
  for (const property of properties) if (!names.has(property)) names.set(property, registry.claim(fieldName(property)));
  return names;
}
