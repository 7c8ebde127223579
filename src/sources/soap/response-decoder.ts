import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { SchemaError, type SchemaLocation } from '../../errors/schema-error.js';
import { wireNameOf } from '../wire-names.js';
import { keyedItems } from './field-keys.js';
import { resultItemOf, type OperationContract } from './operation-contract.js';
import { localOf } from './wsdl/qname.js';
import type { XmlElement } from './xml/xml-tree.js';
import { listItemOf, type ComplexShape, type ElementItem, type Shape, type SimpleShape } from './xsd/shapes.js';

/** Reads a field's value out of the `soap:Body` of an answer. Throws a DecodeProblem when the Body is not what the WSDL promised. */
export type ResultDecoder = (body: XmlElement) => unknown;

/** An answer that parsed but does not have the declared layout; the caller turns it into UPSTREAM_BAD_RESPONSE. */
export class DecodeProblem extends Error {}

/** Per answer: rpc/encoded answers may point at shared values (`href="#id"`), indexed on first need. */
interface Context {
  readonly body: XmlElement;
  ids?: Map<string, XmlElement>;
}

type ElementDecoder = (element: XmlElement, context: Context) => unknown;
/** Decodes every occurrence of one element (none, one or many) into the field's value. */
type OccurrencesDecoder = (occurrences: readonly XmlElement[] | undefined, context: Context) => unknown;

/**
 * Compiles, once per field, how its value is read from an answer: which child elements
 * to look at (by local name, so an upstream that qualifies elements differently from
 * its WSDL is still read), how to type each value (numbers, booleans, lists) by the
 * declared GraphQL and XSD types, and which wrappers to unwrap. Elements no field asks
 * for are skipped without being decoded.
 */
export function compileResultDecoder(
  contract: OperationContract,
  type: GraphQLOutputType,
  label: string,
  where: SchemaLocation | undefined,
): ResultDecoder {
  const compiler = new DecoderCompiler(where);
  const output = contract.output;
  if (!output) return () => (getNamedType(type).name === 'Boolean' ? true : null);
  const encoded = output.encoded;
  const container = (body: XmlElement): XmlElement => {
    if (!output.wrapper) return body;
    const first = body.children[0];
    if (!first) throw new DecodeProblem(`the SOAP Body is empty where <${output.wrapper.local}> was expected`);
    return first;
  };
  const result = resultItemOf(output);
  if (result) {
    const decode = compiler.occurrences(result, type, label);
    return (body) => {
      const context: Context = { body };
      const holder = container(body);
      const occurrences = holder.children.filter((child) => child.local === result.local);
      return decode(occurrences.length > 0 ? occurrences.map((el) => deref(el, context, encoded)) : undefined, context);
    };
  }
  if (output.content.items.length === 0 && !output.content.text) {
    // A response without content (`<DeleteRoomResponse/>`): the call succeeded.
    return () => (getNamedType(type).name === 'Boolean' ? true : {});
  }
  const decode = compiler.element(output.content, type, label);
  return (body) => {
    const context: Context = { body };
    return decode(container(body), context);
  };
}

function deref(element: XmlElement, context: Context, encoded: boolean): XmlElement {
  if (!encoded) return element;
  const href = element.attributes.href;
  if (href === undefined || href[0] !== '#') return element;
  if (!context.ids) {
    const ids = new Map<string, XmlElement>();
    const visit = (node: XmlElement) => {
      const id = node.attributes.id;
      if (id !== undefined) ids.set(id, node);
      for (const child of node.children) visit(child);
    };
    visit(context.body);
    context.ids = ids;
  }
  return context.ids.get(href.slice(1)) ?? element;
}

class DecoderCompiler {
  readonly #objects = new Map<string, ElementDecoder>();

  constructor(private readonly where: SchemaLocation | undefined) {}

  /** All occurrences of an element item → the value of a field of GraphQL type `type`. */
  occurrences(item: ElementItem, type: GraphQLOutputType, what: string): OccurrencesDecoder {
    const nullable = getNullableType(type);
    if (isListType(nullable) && item.maxOccurs > 1) {
      const entry = this.element(item.shape, nullable.ofType, what);
      // An absent repeated element is an empty list; a one-element list is still a list.
      return (occurrences, context) => (occurrences ? occurrences.map((el) => entry(el, context)) : []);
    }
    const single = this.element(item.shape, type, what);
    return (occurrences, context) => (occurrences ? single(occurrences[0], context) : null);
  }

  /** One element's content → a value of GraphQL type `type`. */
  element(shape: Shape, type: GraphQLOutputType, what: string): ElementDecoder {
    const nullable = getNullableType(type);
    const named = getNamedType(type);
    if (isListType(nullable)) {
      const wrapped = listItemOf(shape);
      if (wrapped) {
        // ArrayOfRoom (or a soapenc:Array) read as [Room]: the wrapper's entries.
        const entry = this.element(wrapped.shape, nullable.ofType, what);
        const entryName = wrapped.local;
        const anyName = shape.kind === 'complex' && shape.arrayItem !== undefined;
        return (el, context) => {
          if (isNil(el)) return null;
          const values: unknown[] = [];
          for (const child of el.children) {
            if (anyName || child.local === entryName) values.push(entry(derefAlways(child, context), context));
          }
          return values;
        };
      }
      if (shape.kind === 'simple' && shape.list) {
        const item = scalarDecoder(named, { ...shape, list: false });
        return (el) => (isNil(el) ? null : el.text.trim().split(/\s+/).filter(Boolean).map((text) => item(text)));
      }
      // One value where GraphQL wants a list (a schema author's choice): a list of one.
      const inner = this.element(shape, nullable.ofType, what);
      return (el, context) => (isNil(el) ? null : [inner(el, context)]);
    }
    if (isObjectType(named)) {
      if (shape.kind !== 'complex') {
        throw new SchemaError(
          `${what}: the GraphQL type ${named.name} is an object, but the WSDL gives this element ${shape.kind === 'simple' ? `the simple type ${shape.builtin}` : 'no type (anyType)'}`,
          named.astNode ?? this.where,
        );
      }
      return this.#object(shape, named, what);
    }
    if (named.name === 'JSON') return (el) => xmlToJson(el);
    if (shape.kind === 'complex' && !shape.text) {
      throw new SchemaError(
        `${what}: the WSDL gives this element the complex type ${shape.name ? localOf(shape.name) : shape.hint}, but its GraphQL type is ${named.name}`,
        named.astNode ?? this.where,
      );
    }
    const simple = shape.kind === 'simple' ? shape : shape.kind === 'complex' ? shape.text : undefined;
    const decode = scalarDecoder(named, simple);
    return (el) => (isNil(el) ? null : decode(el.text));
  }

  #object(shape: ComplexShape, type: GraphQLObjectType, what: string): ElementDecoder {
    const cacheKey = `${type.name}\u0000${shape.name ?? shape.hint}`;
    const cached = this.#objects.get(cacheKey);
    if (cached) return cached;
    let compiled: ElementDecoder | undefined;
    // Recursive types: the entry exists before its fields are compiled.
    this.#objects.set(cacheKey, (el, context) => compiled!(el, context));

    const keyed = new Map(keyedItems(shape).map((k) => [k.key, k]));
    const elementSlots: { key: string; local: string; decode: OccurrencesDecoder }[] = [];
    const attributeSlots: { key: string; local: string; decode: (text: string) => unknown }[] = [];
    let textSlot: { key: string; decode: (text: string) => unknown } | undefined;
    for (const field of Object.values(type.getFields())) {
      const key = wireNameOf(field) ?? field.name;
      const match = keyed.get(key);
      if (!match) {
        if (field.name === '__typename') continue;
        throw new SchemaError(
          `${what}: field ${type.name}.${field.name} matches no element or attribute of XSD type ` +
            `${shape.name ? localOf(shape.name) : shape.hint} (it has: ${[...keyed.keys()].join(', ') || 'nothing'})`,
          field.astNode ?? this.where,
        );
      }
      const item = match.item;
      const fieldWhat = `${type.name}.${field.name}`;
      if (item.kind === 'element') elementSlots.push({ key, local: item.local, decode: this.occurrences(item, field.type, fieldWhat) });
      else if (item.kind === 'attribute') attributeSlots.push({ key, local: item.local, decode: scalarDecoder(getNamedType(field.type), item.shape) });
      else textSlot = { key, decode: scalarDecoder(getNamedType(field.type), item.shape) };
    }
    const slotByLocal = new Map(elementSlots.map((slot, index) => [slot.local, index]));
    const slotCount = elementSlots.length;

    compiled = (el, context) => {
      if (isNil(el)) return null;
      const result: Record<string, unknown> = {};
      if (slotCount > 0) {
        const found: (XmlElement[] | undefined)[] = new Array(slotCount);
        for (const child of el.children) {
          const index = slotByLocal.get(child.local);
          if (index === undefined) continue;
          (found[index] ??= []).push(derefAlways(child, context));
        }
        for (let i = 0; i < slotCount; i++) result[elementSlots[i].key] = elementSlots[i].decode(found[i], context);
      }
      for (const slot of attributeSlots) {
        const text = attributeByLocal(el, slot.local);
        result[slot.key] = text === undefined ? null : slot.decode(text);
      }
      if (textSlot) result[textSlot.key] = textSlot.decode(el.text);
      return result;
    };
    return this.#objects.get(cacheKey)!;
  }
}

/** Resolves `href="#id"` (rpc/encoded multi-references); other elements are returned as they are. */
function derefAlways(element: XmlElement, context: Context): XmlElement {
  const href = element.attributes.href;
  return href !== undefined && href[0] === '#' ? deref(element, context, true) : element;
}

function isNil(element: XmlElement): boolean {
  const attributes = element.attributes;
  const direct = attributes['xsi:nil'];
  if (direct !== undefined) return direct === 'true' || direct === '1';
  for (const name in attributes) {
    if (name.endsWith(':nil')) return attributes[name] === 'true' || attributes[name] === '1';
  }
  return false;
}

function attributeByLocal(element: XmlElement, local: string): string | undefined {
  const direct = element.attributes[local];
  if (direct !== undefined) return direct;
  const suffix = `:${local}`;
  for (const name in element.attributes) {
    if (name.endsWith(suffix) && !name.startsWith('xmlns')) return element.attributes[name];
  }
  return undefined;
}

/**
 * Text → a value of a GraphQL scalar or enum. Values that do not parse are passed on as
 * text, so GraphQL's own serialization reports them on that one field.
 */
function scalarDecoder(type: GraphQLNamedType, shape: SimpleShape | undefined): (text: string) => unknown {
  if (isEnumType(type)) return (text) => text.trim();
  if (!isScalarType(type)) return (text) => text;
  switch (type.name) {
    case 'Int':
    case 'Float':
      return (text) => {
        const trimmed = text.trim();
        if (trimmed === '') return null;
        if (trimmed === 'INF') return Infinity;
        if (trimmed === '-INF') return -Infinity;
        const number = Number(trimmed);
        return Number.isNaN(number) ? trimmed : number;
      };
    case 'Boolean':
      return (text) => {
        const trimmed = text.trim();
        if (trimmed === 'true' || trimmed === '1') return true;
        if (trimmed === 'false' || trimmed === '0') return false;
        return trimmed === '' ? null : trimmed;
      };
    case 'String':
      // Strings keep their whitespace; other XSD types mapped to String (time, QName) are tokens.
      return shape && shape.builtin !== 'string' && shape.builtin !== 'anySimpleType' ? (text) => text.trim() : (text) => text;
    case 'ID':
      return (text) => text.trim();
    default:
      return (text) => {
        const trimmed = text.trim();
        return trimmed === '' ? null : trimmed;
      };
  }
}

/** Free-form XML (anyType, fault details) as JSON: text for a leaf, an object by local name otherwise (repeats as lists, attributes as `@name`). */
export function xmlToJson(element: XmlElement): unknown {
  if (isNil(element)) return null;
  const attributes = Object.entries(element.attributes).filter(([name]) => !name.startsWith('xmlns') && !name.includes(':'));
  if (element.children.length === 0 && attributes.length === 0) return element.text;
  const result: Record<string, unknown> = {};
  for (const [name, value] of attributes) result[`@${name}`] = value;
  const repeated = new Set<string>();
  for (const child of element.children) {
    const value = xmlToJson(child);
    const existing = result[child.local];
    if (existing === undefined) result[child.local] = value;
    else if (repeated.has(child.local)) (existing as unknown[]).push(value);
    else {
      result[child.local] = [existing, value];
      repeated.add(child.local);
    }
  }
  const text = element.text.trim();
  if (element.children.length === 0) result['#text'] = element.text;
  else if (text !== '') result['#text'] = text;
  return result;
}
