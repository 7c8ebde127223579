import { follow } from './references.js';
import { asArray, asObject, text, type Json } from './json-values.js';

/**
 * What a JSON Schema (Swagger 2.0, OpenAPI 3.0 or 3.1 dialect) means for GraphQL, with
 * the dialects' differences settled here: `nullable` / `x-nullable` / `type: [.., "null"]`,
 * `$ref` chains, `allOf` merged into one object, `oneOf`/`anyOf` with a null member
 * reduced to a nullable member. The type mapper decides names and GraphQL types from it.
 */
export type Shape = ObjectShape | ArrayShape | ScalarShape | EnumShape | ChoiceShape | AnyShape;

interface ShapeBase {
  /** The schema object that defines this shape: named types are cached by it. */
  readonly identity: object;
  /** `Pet` when the shape came through `#/components/schemas/Pet` or `#/definitions/Pet`. */
  readonly componentName: string | undefined;
  readonly title: string | undefined;
  /** The description written where the schema is used, else the schema's own. */
  readonly description: string | undefined;
  /** The description written where the schema is used (next to a `$ref`, or inline). */
  readonly localDescription: string | undefined;
  readonly nullable: boolean;
  readonly deprecated: boolean;
  readonly readOnly: boolean;
  readonly writeOnly: boolean;
  readonly defaultValue: unknown;
}

export interface ObjectShape extends ShapeBase {
  readonly kind: 'object';
  readonly properties: readonly PropertyShape[];
}

export interface PropertyShape {
  /** The name on the wire. */
  readonly name: string;
  readonly schema: unknown;
  readonly required: boolean;
}

export interface ArrayShape extends ShapeBase {
  readonly kind: 'array';
  /** Undefined when the schema does not say what the items are. */
  readonly items: unknown;
}

export type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean';

export interface ScalarShape extends ShapeBase {
  readonly kind: 'scalar';
  readonly scalar: ScalarName;
}

export interface EnumShape extends ShapeBase {
  readonly kind: 'enum';
  /** String values only; enums of numbers or booleans are scalars. */
  readonly values: readonly string[];
}

export interface ChoiceShape extends ShapeBase {
  readonly kind: 'choice';
  /** The `oneOf`/`anyOf` members (raw), `null` members removed. */
  readonly members: readonly unknown[];
  readonly discriminator: Discriminator | undefined;
}

export interface Discriminator {
  readonly property: string;
  /** Discriminating value → schema (raw: a `$ref` or a schema name). */
  readonly mapping: Readonly<Record<string, string>>;
}

/** Free-form: no properties, or a map (`additionalProperties` only), or several types. */
export interface AnyShape extends ShapeBase {
  readonly kind: 'any';
}


/** Reads schemas of one document, remembering each result (schemas are shared a lot). */
export class ShapeReader {
  readonly #cache = new WeakMap<object, Shape>();
  readonly #merging = new Set<object>();

  constructor(
    private readonly document: unknown,
    private readonly componentNames: ReadonlyMap<object, string>,
  ) {}

  shapeOf(schema: unknown): Shape {
    if (schema !== null && typeof schema === 'object') {
      const cached = this.#cache.get(schema);
      if (cached) return cached;
      const shape = this.#read(schema as Json);
      this.#cache.set(schema, shape);
      return shape;
    }
    // `true`, `false` or nothing (3.1 boolean schemas, absent schemas): anything goes, null too.
    return anyShape({ nullable: true });
  }

  #read(node: Json): Shape {
    const followed = follow(this.document, node);
    const target = asObject(followed.value);
    const outer = [...followed.wrappers, target];
    const annotation = <K extends string>(key: K): unknown => outer.find((o) => o[key] !== undefined)?.[key];
    const localDescription = followed.wrappers.length > 0 ? text(followed.wrappers[0].description) : text(target.description);
    const base: ShapeBase = {
      identity: target,
      componentName: this.componentNames.get(target),
      title: text(target.title),
      description: localDescription ?? text(target.description),
      localDescription,
      // A schema that constrains nothing (`items: {}`) allows every value, null included.
      nullable: outer.some(isNullable) || isUnconstrained(target),
      deprecated: annotation('deprecated') === true,
      readOnly: annotation('readOnly') === true,
      writeOnly: annotation('writeOnly') === true,
      defaultValue: annotation('default'),
    };

    if (Array.isArray(target.allOf) && target.allOf.length > 0) return this.#allOf(target, base);
    const choice = Array.isArray(target.oneOf) ? target.oneOf : Array.isArray(target.anyOf) ? target.anyOf : undefined;
    if (choice && choice.length > 0 && !hasProperties(target)) return this.#choice(target, choice, base);
    return byType(target, base);
  }

  /** `allOf`: the members' properties merged into one object (or the one meaningful member). */
  #allOf(target: Json, base: ShapeBase): Shape {
    if (this.#merging.has(target)) return anyShape(base);
    this.#merging.add(target);
    try {
      const { allOf, ...own } = target;
      const members = allOf as unknown[];
      const objects: ObjectShape[] = hasProperties(own) ? [objectShape(own, base)] : [];
      const others: Shape[] = [];
      const required = new Set(asArray(own.required).map(String));
      for (const member of members) {
        const schema = asObject(follow(this.document, member).value);
        for (const name of asArray(schema.required)) required.add(String(name));
        const shape = this.shapeOf(member);
        if (shape.kind === 'object') objects.push(shape);
        else if (!isNeutral(shape, schema)) others.push(shape);
      }
      // `nullable` next to allOf, or on every member, lets the whole be null.
      const nullable = base.nullable || members.every((member) => this.shapeOf(member).nullable);
      const meaningful = [...objects, ...others];
      if (meaningful.length === 1 && !hasProperties(own)) {
        // `allOf: [{$ref: X}]` wraps X to add a description or nullable: it is X, unless a
        // sibling makes more of X's properties required (then it is a type of its own).
        const [only] = meaningful;
        const addsRequired = only.kind === 'object' && only.properties.some((p) => !p.required && required.has(p.name));
        if (!addsRequired) {
          return { ...only, nullable: only.nullable || nullable, description: base.localDescription ?? only.description, localDescription: base.localDescription };
        }
      }
      if (objects.length > 0 && others.length === 0) {
        const properties = new Map<string, PropertyShape>();
        for (const object of objects) {
          for (const property of object.properties) properties.set(property.name, property);
        }
        return {
          ...base,
          nullable,
          kind: 'object',
          properties: [...properties.values()].map((p) => ({ ...p, required: p.required || required.has(p.name) })),
        };
      }
      return anyShape(base);
    } finally {
      this.#merging.delete(target);
    }
  }

  /** `oneOf`/`anyOf`: null members make it nullable; one member left is that member. */
  #choice(target: Json, members: unknown[], base: ShapeBase): Shape {
    const kept = members.filter((member) => !isNullSchema(asObject(follow(this.document, member).value)));
    const nullable = base.nullable || kept.length < members.length;
    if (kept.length === 1) {
      const only = this.shapeOf(kept[0]);
      return { ...only, nullable: only.nullable || nullable, description: base.localDescription ?? only.description, localDescription: base.localDescription };
    }
    if (kept.length === 0) return anyShape({ ...base, nullable: true });
    const discriminator = asObject(target.discriminator);
    return {
      ...base,
      nullable,
      kind: 'choice',
      members: kept,
      discriminator:
        typeof discriminator.propertyName === 'string'
          ? {
              property: discriminator.propertyName,
              mapping: Object.fromEntries(Object.entries(asObject(discriminator.mapping)).map(([k, v]) => [k, String(v)])),
            }
          : undefined,
    };
  }
}

/** A schema without allOf/oneOf/anyOf, by its `type` (or what its keywords imply). */
function byType(target: Json, base: ShapeBase): Shape {
  const declared = (Array.isArray(target.type) ? target.type : target.type === undefined ? [] : [target.type]).map(String);
  const types = declared.filter((t) => t !== 'null');
  if (types.length > 1) return anyShape(base);
  const type = types[0] ?? impliedType(target);
  switch (type) {
    case 'object':
      return hasProperties(target) ? objectShape(target, base) : anyShape(base);
    case 'array':
      return { ...base, kind: 'array', items: Array.isArray(target.items) ? target.items[0] : target.items };
    case 'string': {
      const values = enumValues(target);
      if (values && values.length > 0 && values.every((v) => typeof v === 'string')) {
        return { ...base, kind: 'enum', values: values as string[] };
      }
      return { ...base, kind: 'scalar', scalar: 'String' };
    }
    case 'integer':
      return { ...base, kind: 'scalar', scalar: fitsInt32(target) ? 'Int' : 'Float' };
    case 'number':
      return { ...base, kind: 'scalar', scalar: 'Float' };
    case 'boolean':
      return { ...base, kind: 'scalar', scalar: 'Boolean' };
    case 'file':
      return { ...base, kind: 'scalar', scalar: 'String' };
    default:
      return anyShape(base);
  }
}

/** A schema without `type`: what its keywords (properties, items, enum, const) imply. */
function impliedType(target: Json): string | undefined {
  if (hasProperties(target)) return 'object';
  if (target.items !== undefined) return 'array';
  const values = enumValues(target);
  if (values && values.length > 0) {
    if (values.every((v) => typeof v === 'string')) return 'string';
    if (values.every((v) => Number.isInteger(v))) return 'integer';
    if (values.every((v) => typeof v === 'number')) return 'number';
    if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  }
  return undefined;
}

function objectShape(target: Json, base: ShapeBase): ObjectShape {
  const required = new Set(asArray(target.required).map(String));
  return {
    ...base,
    kind: 'object',
    properties: Object.entries(asObject(target.properties)).map(([name, schema]) => ({
      name,
      schema,
      required: required.has(name),
    })),
  };
}

/**
 * GraphQL's Int is 32-bit. `int64` (and bounds beyond 32 bits) become Float, which keeps
 * every integer up to 2^53 exact and prints as an integer; plain `integer` stays Int.
 */
function fitsInt32(target: Json): boolean {
  if (target.format === 'int64' || target.format === 'uint32' || target.format === 'uint64') return false;
  const bounds = [target.minimum, target.maximum].filter((b): b is number => typeof b === 'number');
  return bounds.every((b) => b >= -(2 ** 31) && b <= 2 ** 31 - 1);
}

/** `enum`, or a `const` (3.1), without null. */
function enumValues(target: Json): unknown[] | undefined {
  const values = Array.isArray(target.enum) ? target.enum : target.const !== undefined ? [target.const] : undefined;
  return values?.filter((v) => v !== null);
}

function isNullable(schema: Json): boolean {
  return (
    schema.nullable === true ||
    schema['x-nullable'] === true ||
    (Array.isArray(schema.type) && schema.type.includes('null')) ||
    (Array.isArray(schema.enum) && schema.enum.includes(null))
  );
}

/** Keywords that describe a value without constraining it. */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'deprecated', 'readOnly', 'writeOnly', 'example', 'examples', 'externalDocs', '$comment', '$schema', '$id', 'xml', 'nullable']);

function isUnconstrained(schema: Json): boolean {
  if (schema.nullable === false || schema['x-nullable'] === false) return false;
  return Object.keys(schema).every((key) => ANNOTATIONS.has(key) || key.startsWith('x-'));
}

function isNullSchema(schema: Json): boolean {
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === 'null');
}

function hasProperties(schema: Json): boolean {
  const properties = schema.properties;
  return properties !== null && typeof properties === 'object' && Object.keys(properties).length > 0;
}

/**
 * An allOf member that only annotates (description, nullable, `required`) or says
 * "an object" without properties adds nothing to merge, and takes nothing away.
 */
function isNeutral(shape: Shape, schema: Json): boolean {
  if (shape.kind !== 'any' || schema.oneOf !== undefined || schema.anyOf !== undefined) return false;
  return schema.type === undefined || schema.type === 'object';
}

function anyShape(base: Partial<ShapeBase>): AnyShape {
  return {
    identity: base.identity ?? {},
    componentName: base.componentName,
    title: base.title,
    description: base.description,
    localDescription: base.localDescription,
    nullable: base.nullable ?? false,
    deprecated: base.deprecated ?? false,
    readOnly: base.readOnly ?? false,
    writeOnly: base.writeOnly ?? false,
    defaultValue: base.defaultValue,
    kind: 'any',
  };
}
