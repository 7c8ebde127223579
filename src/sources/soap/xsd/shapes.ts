import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import { isXsdNamespace, NS } from '../wsdl/namespaces.js';
import { describeQName, documentationOf, localOf, namespaceOf, qname, resolveQName, whereIs, type QName } from '../wsdl/qname.js';
import type { XmlElement } from '../xml/xml-tree.js';
import { XSD_BUILTIN_TYPES } from './builtin-scalars.js';
import type { Declaration, SchemaInfo, SchemaSet } from './schema-set.js';

/**
 * What an XSD type means for Skein, with the XSD machinery (compositors, groups,
 * references, derivation) already worked out: a simple value, free-form XML, or a
 * complex type flattened into an ordered list of elements and attributes. Both the
 * importer (to write SDL) and the runtime (to write requests and read answers) work
 * from shapes, so they cannot disagree about a type.
 */
export type Shape = SimpleShape | AnyShape | ComplexShape;

export interface EnumValue {
  readonly value: string;
  readonly documentation?: string;
}

/** A value written as text: a built-in XSD type, perhaps restricted to an enumeration. */
export interface SimpleShape {
  readonly kind: 'simple';
  /** Local name of the built-in XSD type it derives from: `int`, `dateTime`, `anySimpleType`. */
  readonly builtin: string;
  /** The named simple type, if it has a name. */
  readonly name?: QName;
  /** The declaring element's name, for an anonymous enumeration. */
  readonly hint: string;
  readonly enumeration?: readonly EnumValue[];
  /** `xsd:list`: the text is a whitespace-separated list of such values. */
  readonly list: boolean;
  readonly documentation?: string;
}

/** `xsd:anyType` or an element without a type: any XML at all. */
export interface AnyShape {
  readonly kind: 'any';
}

/** One child element of a complex type, with its occurrence bounds after flattening. */
export interface ElementItem {
  readonly kind: 'element';
  readonly local: string;
  /** '' when the element is unqualified. */
  readonly namespace: string;
  readonly shape: Shape;
  readonly minOccurs: number;
  /** Infinity for `unbounded`. */
  readonly maxOccurs: number;
  readonly nillable: boolean;
  /** The XSD type name, for `xsi:type` in rpc/encoded messages. */
  readonly typeName?: QName;
  readonly documentation?: string;
}

export interface AttributeItem {
  readonly kind: 'attribute';
  readonly local: string;
  readonly namespace: string;
  readonly shape: SimpleShape;
  readonly required: boolean;
  readonly documentation?: string;
}

export type Item = ElementItem | AttributeItem;

const ANY: AnyShape = Object.freeze({ kind: 'any' });
const SOAP_ARRAY = qname(NS.soapEncoding, 'Array');

/**
 * A complex type. Its content is worked out on first use, so recursive types and types
 * that extend a type referring back to them resolve without special cases.
 */
export class ComplexShape {
  readonly kind = 'complex';
  #content: { items: Item[]; text?: SimpleShape; arrayItem?: ElementItem } | 'resolving' | Error | undefined;

  constructor(
    /** The named type; undefined for an anonymous type. */
    readonly name: QName | undefined,
    /** The declaring element's (or part's) name, to name an anonymous type. */
    readonly hint: string,
    readonly where: SchemaLocation,
    readonly documentation: string | undefined,
    private readonly resolveContent: () => { items: Item[]; text?: SimpleShape; arrayItem?: ElementItem },
  ) {}

  /** Child elements and attributes, base types' first, in document order. */
  get items(): readonly Item[] {
    return this.#resolved().items;
  }

  /** `simpleContent`: the text value beside the attributes. */
  get text(): SimpleShape | undefined {
    return this.#resolved().text;
  }

  /** A SOAP-encoded array (`soapenc:Array` restriction): the type of its items. */
  get arrayItem(): ElementItem | undefined {
    return this.#resolved().arrayItem;
  }

  #resolved() {
    const content = this.#content;
    if (content === 'resolving') {
      throw new SchemaError(`type ${this.name ? describeQName(this.name) : this.hint} derives from itself`, this.where);
    }
    if (content instanceof Error) throw content;
    if (content) return content;
    this.#content = 'resolving';
    try {
      const resolved = this.resolveContent();
      this.#content = resolved;
      return resolved;
    } catch (error) {
      this.#content = error as Error;
      throw error;
    }
  }
}

/** `[T]` in GraphQL: a wrapper type whose only content is one repeated element (ArrayOfX), or a SOAP-encoded array. */
export function listItemOf(shape: Shape): ElementItem | undefined {
  if (shape.kind !== 'complex') return undefined;
  if (shape.arrayItem) return shape.arrayItem;
  const items = shape.items;
  if (shape.text || items.length !== 1) return undefined;
  const only = items[0];
  return only.kind === 'element' && only.maxOccurs > 1 ? only : undefined;
}

interface Occurs {
  readonly optional: boolean;
  readonly repeated: boolean;
}

/**
 * Turns XSD declarations into shapes, once each: named types and anonymous types are
 * cached, so the same XSD type is always the same shape object.
 */
export class ShapeResolver {
  readonly #types = new Map<QName, Shape>();
  readonly #anonymous = new WeakMap<XmlElement, Shape>();
  readonly #elements = new Map<QName, ElementItem>();

  constructor(readonly schemas: SchemaSet) {}

  /** A global element as an item occurring once (a message part, a `ref`). */
  globalElement(name: QName, at: XmlElement | SchemaLocation, file?: string): ElementItem {
    const cached = this.#elements.get(name);
    if (cached) return cached;
    const declaration = this.schemas.elements.get(name);
    if (!declaration) throw this.#undefined('element', name, this.schemas.elements, at, file);
    const { node, schema } = declaration;
    const item: ElementItem = {
      kind: 'element',
      local: localOf(name),
      namespace: namespaceOf(name),
      ...this.#elementType(node, schema),
      minOccurs: 1,
      maxOccurs: 1,
      nillable: node.attributes.nillable === 'true',
      documentation: documentationOf(node),
    };
    this.#elements.set(name, item);
    return item;
  }

  /** The shape of a named type (built-in or declared). */
  typeNamed(name: QName, hint: string, at: XmlElement | SchemaLocation, file?: string): Shape {
    const cached = this.#types.get(name);
    if (cached) return cached;
    const namespace = namespaceOf(name);
    const local = localOf(name);
    let shape: Shape;
    if (isXsdNamespace(namespace) || (namespace === NS.soapEncoding && local !== 'Array' && local !== 'Struct')) {
      shape = local === 'anyType' ? ANY : builtin(local, name, hint);
    } else if (namespace === NS.soapEncoding) {
      shape = local === 'Array' ? this.#soapArrayOfAny(at, file) : ANY;
    } else {
      const declaration = this.schemas.types.get(name);
      if (declaration) {
        shape =
          declaration.node.local === 'simpleType'
            ? this.#simpleType(declaration.node, declaration.schema, name, local)
            : this.#complexType(declaration, name, local);
      } else if (namespace === '' && XSD_BUILTIN_TYPES.has(local)) {
        // type="string" in a schema without a default namespace names nothing, strictly;
        // node-soap reads it as XSD's string, and so does Skein.
        shape = local === 'anyType' ? ANY : builtin(local, qname(NS.xsd, local), hint);
      } else {
        throw this.#undefined('type', name, this.schemas.types, at, file);
      }
    }
    this.#types.set(name, shape);
    return shape;
  }

  #soapArrayOfAny(at: XmlElement | SchemaLocation, file?: string): ComplexShape {
    const where = 'local' in at ? whereIs(at, file ?? '') : at;
    return new ComplexShape(SOAP_ARRAY, 'Array', where, undefined, () => ({
      items: [],
      arrayItem: { kind: 'element', local: 'item', namespace: '', shape: ANY, minOccurs: 0, maxOccurs: Infinity, nillable: true },
    }));
  }

  /** The type of an element declaration: `type=`, an inline type, or anyType. */
  #elementType(node: XmlElement, schema: SchemaInfo): { shape: Shape; typeName?: QName } {
    const hint = node.attributes.name ?? 'Element';
    if (node.attributes.type) {
      const typeName = resolveQName(node.attributes.type, node, schema.file);
      return { shape: this.typeNamed(typeName, hint, node, schema.file), typeName };
    }
    const inline = node.children.find((c) => isXsdNamespace(c.uri) && (c.local === 'complexType' || c.local === 'simpleType'));
    if (inline) return { shape: this.#anonymousType(inline, schema, hint) };
    return { shape: ANY };
  }

  #anonymousType(node: XmlElement, schema: SchemaInfo, hint: string): Shape {
    const cached = this.#anonymous.get(node);
    if (cached) return cached;
    const shape =
      node.local === 'simpleType'
        ? this.#simpleType(node, schema, undefined, hint)
        : this.#complexType({ node, schema }, undefined, hint);
    this.#anonymous.set(node, shape);
    return shape;
  }

  #complexType(declaration: Declaration, name: QName | undefined, hint: string): ComplexShape {
    const { node, schema } = declaration;
    return new ComplexShape(name, hint, whereIs(node, schema.file), documentationOf(node), () => this.#complexContent(node, schema, hint));
  }

  #complexContent(node: XmlElement, schema: SchemaInfo, hint: string) {
    const items: Item[] = [];
    let text: SimpleShape | undefined;
    const content = { optional: false, repeated: false };
    const ownContent = (holder: XmlElement) => {
      for (const child of xsdChildren(holder)) {
        if (isCompositor(child.local)) this.#particle(child, schema, content, items, hint);
        else this.#attribute(child, schema, items);
      }
    };
    const derivation = xsdChildren(node).find((c) => c.local === 'complexContent' || c.local === 'simpleContent');
    if (!derivation) {
      ownContent(node);
      return { items, text };
    }
    const step = xsdChildren(derivation).find((c) => c.local === 'extension' || c.local === 'restriction');
    if (!step?.attributes.base) {
      throw new SchemaError(`<${derivation.name}> needs an <extension> or <restriction> with a base type`, whereIs(derivation, schema.file));
    }
    const baseName = resolveQName(step.attributes.base, step, schema.file);
    if (baseName === SOAP_ARRAY && step.local === 'restriction') {
      return { items, arrayItem: this.#soapArrayItem(step, schema, hint) };
    }
    const base = this.typeNamed(baseName, hint, step, schema.file);
    if (derivation.local === 'simpleContent') {
      if (base.kind === 'simple') text = base;
      else if (base.kind === 'complex') {
        text = base.text;
        items.push(...base.items.filter((item) => item.kind === 'attribute'));
      }
      text ??= builtin('string', undefined, hint);
      if (step.local === 'restriction') {
        const restricted = this.#restriction(step, schema, undefined, hint);
        if (restricted.enumeration) text = restricted;
      }
      for (const child of xsdChildren(step)) this.#attribute(child, schema, items);
      return { items: replaceAttributes(items), text };
    }
    if (base.kind === 'complex') {
      // An extension adds to the base's content; a restriction restates the content it keeps.
      if (step.local === 'extension') items.push(...base.items);
      else items.push(...base.items.filter((item) => item.kind === 'attribute'));
      text = base.text;
    }
    ownContent(step);
    return { items: replaceAttributes(items), text };
  }

  /** The item type of `<restriction base="soapenc:Array">`, from `wsdl:arrayType` or a declared element. */
  #soapArrayItem(step: XmlElement, schema: SchemaInfo, hint: string): ElementItem {
    const any = (shape: Shape, typeName?: QName): ElementItem => ({
      kind: 'element',
      local: 'item',
      namespace: '',
      shape,
      minOccurs: 0,
      maxOccurs: Infinity,
      nillable: true,
      typeName,
    });
    for (const child of descendants(step)) {
      if (child.local === 'attribute') {
        const arrayType = Object.entries(child.attributes).find(([key]) => key === 'arrayType' || key.endsWith(':arrayType'));
        if (arrayType && arrayType[1].includes('[')) {
          const typeName = resolveQName(arrayType[1].slice(0, arrayType[1].indexOf('[')), child, schema.file);
          const nested = arrayType[1].slice(arrayType[1].indexOf('[')).match(/\[/g)!.length - 1;
          let shape = this.typeNamed(typeName, hint, child, schema.file);
          // `xsd:string[][]`: an array of arrays.
          for (let i = 0; i < nested; i++) {
            const inner = any(shape, typeName);
            shape = new ComplexShape(undefined, hint, whereIs(child, schema.file), undefined, () => ({ items: [], arrayItem: inner }));
          }
          return any(shape, typeName);
        }
      }
      if (child.local === 'element') {
        const { shape, typeName } = this.#elementType(child, schema);
        return { ...any(shape, typeName), local: child.attributes.name ?? 'item' };
      }
    }
    return any(ANY);
  }

  #particle(node: XmlElement, schema: SchemaInfo, outer: Occurs, items: Item[], hint: string): void {
    const min = node.attributes.minOccurs === undefined ? 1 : Number(node.attributes.minOccurs);
    const max = node.attributes.maxOccurs === undefined ? 1 : node.attributes.maxOccurs === 'unbounded' ? Infinity : Number(node.attributes.maxOccurs);
    if (max === 0) return;
    switch (node.local) {
      case 'element': {
        const item = this.#localElement(node, schema);
        add(items, {
          ...item,
          minOccurs: outer.optional ? 0 : min,
          maxOccurs: outer.repeated ? Infinity : max,
        });
        return;
      }
      case 'sequence':
      case 'all':
      case 'choice': {
        const inner: Occurs = {
          // In a choice every alternative may be absent.
          optional: outer.optional || min === 0 || node.local === 'choice',
          repeated: outer.repeated || max > 1,
        };
        for (const child of xsdChildren(node)) this.#particle(child, schema, inner, items, hint);
        return;
      }
      case 'group': {
        if (!node.attributes.ref) return;
        const name = resolveQName(node.attributes.ref, node, schema.file);
        const group = this.schemas.groups.get(name);
        if (!group) throw this.#undefined('group', name, this.schemas.groups, node, schema.file);
        const inner: Occurs = { optional: outer.optional || min === 0, repeated: outer.repeated || max > 1 };
        for (const child of xsdChildren(group.node)) {
          if (isCompositor(child.local)) this.#particle(child, group.schema, inner, items, hint);
        }
        return;
      }
      default:
        // xsd:any and annotations carry nothing Skein can type.
        return;
    }
  }

  #localElement(node: XmlElement, schema: SchemaInfo): ElementItem {
    if (node.attributes.ref) {
      const global = this.globalElement(resolveQName(node.attributes.ref, node, schema.file), node, schema.file);
      return { ...global, documentation: documentationOf(node) ?? global.documentation };
    }
    const local = node.attributes.name;
    if (!local) throw new SchemaError(`<${node.name}> has neither name nor ref`, whereIs(node, schema.file));
    const qualified = node.attributes.form ? node.attributes.form === 'qualified' : schema.elementsQualified;
    return {
      kind: 'element',
      local,
      namespace: qualified ? schema.targetNamespace : '',
      ...this.#elementType(node, schema),
      minOccurs: 1,
      maxOccurs: 1,
      nillable: node.attributes.nillable === 'true',
      documentation: documentationOf(node),
    };
  }

  #attribute(node: XmlElement, schema: SchemaInfo, items: Item[]): void {
    if (node.local === 'attributeGroup' && node.attributes.ref) {
      const name = resolveQName(node.attributes.ref, node, schema.file);
      const group = this.schemas.attributeGroups.get(name);
      if (!group) throw this.#undefined('attribute group', name, this.schemas.attributeGroups, node, schema.file);
      for (const child of xsdChildren(group.node)) this.#attribute(child, group.schema, items);
      return;
    }
    if (node.local !== 'attribute' || node.attributes.use === 'prohibited') return;
    let local: string;
    let namespace: string;
    let declaration: XmlElement = node;
    let declaredIn = schema;
    if (node.attributes.ref) {
      const name = resolveQName(node.attributes.ref, node, schema.file);
      local = localOf(name);
      namespace = namespaceOf(name);
      const global = this.schemas.attributes.get(name);
      if (global) {
        declaration = global.node;
        declaredIn = global.schema;
      } else if (namespace !== 'http://www.w3.org/XML/1998/namespace' && namespace !== NS.soapEncoding && namespace !== NS.wsdl) {
        throw this.#undefined('attribute', name, this.schemas.attributes, node, schema.file);
      }
    } else {
      local = node.attributes.name;
      if (!local) return;
      const qualified = node.attributes.form ? node.attributes.form === 'qualified' : schema.attributesQualified;
      namespace = qualified ? schema.targetNamespace : '';
    }
    if (namespace === NS.soapEncoding || namespace === NS.wsdl) return; // soapenc:arrayType and friends are protocol, not data.
    let shape: SimpleShape = builtin('anySimpleType', undefined, local);
    if (declaration.attributes.type) {
      const found = this.typeNamed(resolveQName(declaration.attributes.type, declaration, declaredIn.file), local, declaration, declaredIn.file);
      shape = found.kind === 'simple' ? found : builtin('string', undefined, local);
    } else {
      const inline = xsdChildren(declaration).find((c) => c.local === 'simpleType');
      if (inline) {
        const found = this.#anonymousType(inline, declaredIn, local);
        if (found.kind === 'simple') shape = found;
      }
    }
    items.push({
      kind: 'attribute',
      local,
      namespace,
      shape,
      required: node.attributes.use === 'required',
      documentation: documentationOf(node),
    });
  }

  #simpleType(node: XmlElement, schema: SchemaInfo, name: QName | undefined, hint: string): SimpleShape {
    const documentation = documentationOf(node);
    for (const step of xsdChildren(node)) {
      if (step.local === 'restriction') return { ...this.#restriction(step, schema, name, hint), documentation };
      if (step.local === 'list') {
        let item: Shape = builtin('string', undefined, hint);
        if (step.attributes.itemType) item = this.typeNamed(resolveQName(step.attributes.itemType, step, schema.file), hint, step, schema.file);
        else {
          const inline = xsdChildren(step).find((c) => c.local === 'simpleType');
          if (inline) item = this.#simpleType(inline, schema, undefined, hint);
        }
        const itemShape = item.kind === 'simple' ? item : builtin('string', undefined, hint);
        return { ...itemShape, name, hint, list: true, documentation };
      }
      if (step.local === 'union') return { ...builtin('string', name, hint), documentation };
    }
    return { ...builtin('string', name, hint), documentation };
  }

  #restriction(step: XmlElement, schema: SchemaInfo, name: QName | undefined, hint: string): SimpleShape {
    let base: Shape = builtin('string', undefined, hint);
    if (step.attributes.base) base = this.typeNamed(resolveQName(step.attributes.base, step, schema.file), hint, step, schema.file);
    else {
      const inline = xsdChildren(step).find((c) => c.local === 'simpleType');
      if (inline) base = this.#simpleType(inline, schema, undefined, hint);
    }
    const simple = base.kind === 'simple' ? base : builtin('string', undefined, hint);
    const values = xsdChildren(step)
      .filter((c) => c.local === 'enumeration' && c.attributes.value !== undefined)
      .map((c): EnumValue => ({ value: c.attributes.value, documentation: documentationOf(c) }));
    return {
      kind: 'simple',
      builtin: simple.builtin,
      name,
      hint,
      enumeration: values.length > 0 ? values : simple.enumeration,
      list: simple.list,
    };
  }

  #undefined(
    what: string,
    name: QName,
    known: ReadonlyMap<QName, unknown>,
    at: XmlElement | SchemaLocation,
    file?: string,
  ): SchemaError {
    const namespace = namespaceOf(name);
    const where = 'local' in at ? whereIs(at, file ?? '') : at;
    const inNamespace = [...known.keys()].filter((key) => namespaceOf(key) === namespace).map(localOf);
    const hint = this.schemas.namespaces.has(namespace)
      ? inNamespace.length > 0 && inNamespace.length <= 12
        ? ` (that namespace has: ${inNamespace.join(', ')})`
        : ''
      : ` (no schema for namespace "${namespace}" was loaded; is an <xsd:import schemaLocation> missing?)`;
    return new SchemaError(`${what} ${describeQName(name)} is not defined${hint}`, where);
  }
}

function builtin(local: string, name: QName | undefined, hint: string): SimpleShape {
  return { kind: 'simple', builtin: local, name, hint, list: false };
}

function xsdChildren(node: XmlElement): XmlElement[] {
  return node.children.filter((child) => isXsdNamespace(child.uri) && child.local !== 'annotation');
}

function descendants(node: XmlElement): XmlElement[] {
  return node.children.flatMap((child) => [child, ...descendants(child)]);
}

function isCompositor(local: string): boolean {
  return local === 'sequence' || local === 'choice' || local === 'all' || local === 'group';
}

/** Adds an element item; a name seen before in the same content means it repeats. */
function add(items: Item[], item: ElementItem): void {
  const index = items.findIndex((other) => other.kind === 'element' && other.local === item.local && other.namespace === item.namespace);
  if (index === -1) items.push(item);
  else {
    const earlier = items[index] as ElementItem;
    items[index] = { ...earlier, minOccurs: Math.min(earlier.minOccurs, item.minOccurs), maxOccurs: Infinity };
  }
}

/** A restriction or extension may restate an attribute of its base: keep the last statement, at the first place. */
function replaceAttributes(items: Item[]): Item[] {
  const result: Item[] = [];
  for (const item of items) {
    const index = item.kind === 'attribute' ? result.findIndex((o) => o.kind === 'attribute' && o.local === item.local && o.namespace === item.namespace) : -1;
    if (index === -1) result.push(item);
    else result[index] = item;
  }
  return result;
}
