import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
} from 'graphql';
import { SchemaError, type SchemaLocation } from '../../errors/schema-error.js';
import { wireNameOf } from '../wire-names.js';
import { graphqlNames, keyedItems, type KeyedItem } from './field-keys.js';
import type { OperationContract } from './operation-contract.js';
import { NS } from './wsdl/namespaces.js';
import { localOf, namespaceOf, type QName } from './wsdl/qname.js';
import { escapeAttribute, escapeText } from './xml/xml-text.js';
import { listItemOf, type ComplexShape, type ElementItem, type Shape, type SimpleShape } from './xsd/shapes.js';

/** Writes the request envelope of one operation from a field's arguments. */
export type EnvelopeWriter = (args: Readonly<Record<string, unknown>>, headerXml: string) => string;

/** Appends XML to `xml`; a mutable holder, since string `+=` is the fastest builder V8 has. */
interface Out {
  xml: string;
}

type ValueWriter = (value: unknown, out: Out) => void;

interface ContentWriter {
  /** ` name="value"` pairs for the start tag. */
  attributes(value: Record<string, unknown>, out: Out): void;
  /** Child elements or text. */
  content(value: Record<string, unknown>, out: Out): void;
}

/**
 * Compiles, once per field, everything about the request that does not depend on the
 * argument values: element names with their prefixes, their order (the XSD's, whatever
 * order the client wrote the arguments in), the namespace declarations, and how each
 * value is written. A call then only walks the arguments it was given.
 */
export function compileEnvelope(
  contract: OperationContract,
  field: GraphQLField<unknown, unknown>,
  label: string,
  where: SchemaLocation | undefined,
): EnvelopeWriter {
  const compiler = new EnvelopeCompiler(contract, label, where);
  return compiler.compile(field.args);
}

class EnvelopeCompiler {
  readonly #prefixes = new Map<string, string>();
  readonly #content = new Map<string, ContentWriter>();
  readonly #envelopeNs: string;
  readonly #encoded: boolean;
  /** Set while compiling when some element may carry xsi:nil or xsi:type. */
  #usesXsi = false;

  constructor(
    private readonly contract: OperationContract,
    private readonly label: string,
    private readonly where: SchemaLocation | undefined,
  ) {
    this.#envelopeNs = contract.soapVersion === '1.2' ? NS.soap12Envelope : NS.soap11Envelope;
    this.#encoded = contract.input.encoded;
  }

  compile(args: readonly GraphQLArgument[]): EnvelopeWriter {
    const { input, headers } = this.contract;
    const wrapper = input.wrapper;
    const wrapperTag = wrapper ? this.#tag(wrapper.local, wrapper.namespace) : '';
    const keyed = keyedItems(input.content, headers);
    const names = graphqlNames(keyed.map((k) => k.key));
    const byName = new Map(keyed.map((k) => [names.get(k.key)!, k]));
    const headerItems = new Set<unknown>(headers);

    const bodyWriters: { name: string; write: ValueWriter }[] = [];
    const headerWriters: { name: string; write: ValueWriter }[] = [];
    const attributeWriters: { name: string; write: ValueWriter }[] = [];
    const argumentsByKey = new Map<KeyedItem, GraphQLArgument>();
    for (const arg of args) {
      const match = byName.get(arg.name);
      if (!match) {
        throw new SchemaError(
          `${this.label}: argument "${arg.name}" matches no part of the request of SOAP operation "${this.contract.name}"` +
            ` (it takes: ${[...byName.keys()].join(', ') || 'no arguments'})`,
          arg.astNode ?? this.where,
        );
      }
      argumentsByKey.set(match, arg);
    }
    // Written in the WSDL's order, not the order the arguments are declared or given in.
    for (const keyedItem of keyed) {
      const arg = argumentsByKey.get(keyedItem);
      if (!arg) continue;
      const name = arg.name;
      const { item } = keyedItem;
      if (item.kind === 'element') {
        const write = this.#elementWriter(item, arg.type, `${this.label}(${name})`);
        (headerItems.has(item) ? headerWriters : bodyWriters).push({ name, write });
      } else if (item.kind === 'attribute') {
        attributeWriters.push({ name, write: this.#attributeWriter(item.local, item.namespace, item.shape) });
      }
    }

    const declarations = this.#declarations();
    const env = this.contract.soapVersion === '1.2' ? 'soap12' : 'soap';
    const start = `<?xml version="1.0" encoding="utf-8"?><${env}:Envelope xmlns:${env}="${this.#envelopeNs}"${declarations}>`;
    const bodyOpen = `<${env}:Body>`;
    const encodingStyle = this.#encoded ? ` ${env}:encodingStyle="${NS.soapEncoding}"` : '';
    const wrapperOpen = wrapper ? `<${wrapperTag}${encodingStyle}` : '';
    const wrapperClose = wrapper ? `</${wrapperTag}>` : '';
    const end = `</${env}:Body></${env}:Envelope>`;

    return (args, headerXml) => {
      const out: Out = { xml: start };
      let headerParts = '';
      if (headerWriters.length > 0) {
        const headerOut: Out = { xml: '' };
        for (const writer of headerWriters) writer.write(args[writer.name], headerOut);
        headerParts = headerOut.xml;
      }
      if (headerXml || headerParts) out.xml += `<${env}:Header>${headerXml}${headerParts}</${env}:Header>`;
      out.xml += bodyOpen;
      if (wrapper) {
        out.xml += wrapperOpen;
        for (const writer of attributeWriters) writer.write(args[writer.name], out);
        out.xml += '>';
      }
      for (const writer of bodyWriters) writer.write(args[writer.name], out);
      out.xml += wrapperClose + end;
      return out.xml;
    };
  }

  /** `xmlns:ns1="…"` for every namespace the request may use, declared once on the Envelope. */
  #declarations(): string {
    let text = '';
    if (this.#usesXsi) text += ` xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}"`;
    if (this.#encoded) text += ` xmlns:soapenc="${NS.soapEncoding}"`;
    for (const [namespace, prefix] of this.#prefixes) text += ` xmlns:${prefix}="${escapeAttribute(namespace)}"`;
    return text;
  }

  /** The qualified name to write for an element; unqualified elements get no prefix (no default namespace is ever declared). */
  #tag(local: string, namespace: string): string {
    if (!namespace) return local;
    let prefix = this.#prefixes.get(namespace);
    if (!prefix) {
      prefix = `ns${this.#prefixes.size + 1}`;
      this.#prefixes.set(namespace, prefix);
    }
    return `${prefix}:${local}`;
  }

  #typeReference(name: QName): string {
    const namespace = namespaceOf(name);
    if (namespace === NS.xsd) return `xsd:${localOf(name)}`;
    if (namespace === NS.soapEncoding) return `soapenc:${localOf(name)}`;
    return this.#tag(localOf(name), namespace);
  }

  /** Writes zero or more occurrences of an element: one per list entry, none for an absent value. */
  #elementWriter(item: ElementItem, type: GraphQLInputType, what: string): ValueWriter {
    const tag = this.#tag(item.local, item.namespace);
    const open = `<${tag}`;
    const close = `</${tag}>`;
    const nullable = getNullableType(type);
    const wrapperItem = listItemOf(item.shape);
    let typeAttribute = '';
    if (this.#encoded && !wrapperItem) {
      this.#usesXsi = true;
      if (item.shape.kind === 'simple') typeAttribute = ` xsi:type="${this.#typeReference(item.typeName ?? `{${NS.xsd}}${item.shape.builtin}`)}"`;
      else if (item.typeName) typeAttribute = ` xsi:type="${this.#typeReference(item.typeName)}"`;
    }
    if (item.nillable) this.#usesXsi = true;
    const nilElement = item.nillable ? `${open} xsi:nil="true"/>` : '';

    // A list argument for a wrapper type (ArrayOfRoom): one wrapper element around the entries.
    if (wrapperItem && isListType(nullable)) {
      const entry = this.#elementWriter(wrapperItem, nullable.ofType, what);
      const arrayAttributes = this.#soapArrayAttributes(item.shape as ComplexShape, wrapperItem);
      return (value, out) => {
        if (value === undefined) return;
        if (value === null) {
          out.xml += nilElement;
          return;
        }
        out.xml += `${open}${arrayAttributes(value as unknown[])}>`;
        for (const entryValue of value as unknown[]) entry(entryValue, out);
        out.xml += close;
      };
    }

    const single = this.#valueWriter(item.shape, isListType(nullable) ? nullable.ofType : type, what);
    const writeOne: ValueWriter = (value, out) => {
      if (value === undefined) return;
      if (value === null) {
        out.xml += nilElement;
        return;
      }
      out.xml += open + typeAttribute;
      single.attributes(value, out);
      out.xml += '>';
      single.content(value, out);
      out.xml += close;
    };
    if (isListType(nullable) && !(item.shape.kind === 'simple' && item.shape.list)) {
      return (value, out) => {
        if (Array.isArray(value)) for (const entry of value) writeOne(entry, out);
        else writeOne(value, out);
      };
    }
    return writeOne;
  }

  #soapArrayAttributes(shape: ComplexShape, entry: ElementItem): (value: unknown[]) => string {
    if (!this.#encoded || !shape.arrayItem) return () => '';
    const entryType = entry.typeName
      ? this.#typeReference(entry.typeName)
      : entry.shape.kind === 'simple'
        ? `xsd:${entry.shape.builtin}`
        : 'xsd:anyType';
    return (value) => ` xsi:type="soapenc:Array" soapenc:arrayType="${entryType}[${value.length}]"`;
  }

  /** How one element's attributes and content are written from a value. */
  #valueWriter(shape: Shape, type: GraphQLInputType, what: string): { attributes: ValueWriter; content: ValueWriter } {
    const named = getNamedType(type);
    if (shape.kind === 'simple') {
      const format = simpleFormatter(shape);
      return { attributes: () => {}, content: (value, out) => void (out.xml += escapeText(format(value))) };
    }
    if (shape.kind === 'any' || !isInputObjectType(named)) {
      if (shape.kind === 'complex' && !isInputObjectType(named) && !isJson(named.name)) {
        throw new SchemaError(
          `${what}: the WSDL says this is the complex type ${shape.name ? localOf(shape.name) : shape.hint}, but its GraphQL type is ${named.name}`,
          this.where,
        );
      }
      return { attributes: () => {}, content: (value, out) => writeJsonAsXml(value, out) };
    }
    const writer = this.#contentWriter(shape, named, what);
    return {
      attributes: (value, out) => writer.attributes(value as Record<string, unknown>, out),
      content: (value, out) => writer.content(value as Record<string, unknown>, out),
    };
  }

  /** The attributes and children of a complex type, from an input object; memoized, so recursive types compile. */
  #contentWriter(shape: ComplexShape, type: GraphQLInputObjectType, what: string): ContentWriter {
    const cacheKey = `${type.name}\u0000${shape.name ?? shape.hint}`;
    const cached = this.#content.get(cacheKey);
    if (cached) return cached;
    const writer: ContentWriter = { attributes: () => {}, content: () => {} };
    this.#content.set(cacheKey, writer);

    const keyed = new Map(keyedItems(shape).map((k) => [k.key, k]));
    const fields = Object.values(type.getFields()).map((inputField) => {
      const key = wireNameOf(inputField) ?? inputField.name;
      const match = keyed.get(key);
      if (!match) {
        throw new SchemaError(
          `${what}: input field ${type.name}.${inputField.name} matches no element or attribute of XSD type ` +
            `${shape.name ? localOf(shape.name) : shape.hint} (it has: ${[...keyed.keys()].join(', ') || 'nothing'})`,
          inputField.astNode ?? this.where,
        );
      }
      return { name: inputField.name, match, type: inputField.type };
    });
    const order = [...keyed.values()];
    fields.sort((a, b) => order.indexOf(a.match) - order.indexOf(b.match));

    const attributeWriters: { name: string; write: ValueWriter }[] = [];
    const childWriters: { name: string; write: ValueWriter }[] = [];
    let textWriter: { name: string; format: (value: unknown) => string } | undefined;
    for (const field of fields) {
      const item = field.match.item;
      if (item.kind === 'element') childWriters.push({ name: field.name, write: this.#elementWriter(item, field.type, `${what}.${field.name}`) });
      else if (item.kind === 'attribute') attributeWriters.push({ name: field.name, write: this.#attributeWriter(item.local, item.namespace, item.shape) });
      else textWriter = { name: field.name, format: simpleFormatter(item.shape) };
    }
    writer.attributes = (value, out) => {
      for (const attribute of attributeWriters) attribute.write(value[attribute.name], out);
    };
    writer.content = (value, out) => {
      if (textWriter) {
        const text = value[textWriter.name];
        if (text !== undefined && text !== null) out.xml += escapeText(textWriter.format(text));
      }
      for (const child of childWriters) child.write(value[child.name], out);
    };
    return writer;
  }

  #attributeWriter(local: string, namespace: string, shape: SimpleShape): ValueWriter {
    const name = namespace ? this.#tag(local, namespace) : local;
    const format = simpleFormatter(shape);
    return (value, out) => {
      if (value !== undefined && value !== null) out.xml += ` ${name}="${escapeAttribute(format(value))}"`;
    };
  }
}

function isJson(name: string): boolean {
  return name === 'JSON';
}

/** The XSD lexical form of a value, by the built-in type it derives from. */
function simpleFormatter(shape: SimpleShape): (value: unknown) => string {
  const one = builtinFormatter(shape.builtin);
  if (!shape.list) return one;
  return (value) => (Array.isArray(value) ? value.map(one).join(' ') : one(value));
}

function builtinFormatter(builtin: string): (value: unknown) => string {
  switch (builtin) {
    case 'boolean':
      return (value) => (value === true ? 'true' : value === false ? 'false' : String(value));
    case 'float':
    case 'double':
      return (value) =>
        typeof value !== 'number' ? String(value) : Number.isNaN(value) ? 'NaN' : value === Infinity ? 'INF' : value === -Infinity ? '-INF' : String(value);
    case 'decimal':
      return (value) => (typeof value === 'number' ? plainDecimal(value) : String(value));
    default:
      return (value) => (typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

/** xsd:decimal has no exponent form: 1e-7 must go as 0.0000001. */
function plainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/** A JSON value (an anyType argument) as XML: object keys become unqualified elements, lists repeat them. */
function writeJsonAsXml(value: unknown, out: Out): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object') {
    out.xml += escapeText(String(value));
    return;
  }
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) continue;
    for (const item of Array.isArray(entry) ? entry : [entry]) {
      if (item === undefined) continue;
      out.xml += `<${key}>`;
      writeJsonAsXml(item, out);
      out.xml += `</${key}>`;
    }
  }
}
