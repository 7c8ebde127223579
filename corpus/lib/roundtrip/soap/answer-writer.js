// The answer a service sends for one operation, generated from the XSD of its output
// message, together with the value a GraphQL client must get back for every part of it.
//
// The XSD is walked beside the GraphQL type the importer gave the operation's field, so the
// expected value has the GraphQL layout (an ArrayOfX wrapper is a list, a one-element
// response is that element) and the depth bound counts GraphQL object levels, as the
// selection set does. What goes on the wire comes from the XSD alone: every element and
// attribute, enumerations cycling through their values, repeated elements twice, one
// alternative of each choice, the base type's elements before an extension's own.
//
// Two modes keep answers complete yet bounded: a *full* instance holds every element and
// attribute; a *sparse* one (the second entry of every list, and every instance of a type
// already written in full) holds only what the XSD requires, and writes nillable elements
// as xsi:nil, so absent and nil values are checked as well.
import { getNamedType, getNullableType, isListType, isObjectType } from 'graphql';
import { listItemOf } from '../../../../dist/sources/soap/xsd/shapes.js';
import { wireNameOf } from '../../../../dist/sources/wire-names.js';
import { fixedValue, sampleValue } from './sample-values.js';
import { escapeXml } from './xml-text.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** Stands in the start tag of each top-level element until the namespaces used are known. */
const DECLARATIONS = '\u0000ns\u0000';

/** The keys Skein's GraphQL side knows an item by: the element's name, the attribute's (`@name` beside an element of that name), `value` for text. */
export function keyedItems(shape) {
  const result = [];
  const elements = new Set();
  for (const item of shape.items) {
    if (item.kind !== 'element' || elements.has(item.local)) continue;
    elements.add(item.local);
    result.push({ key: item.local, item });
  }
  const taken = new Set(elements);
  for (const item of shape.items) {
    if (item.kind !== 'attribute') continue;
    const key = taken.has(item.local) ? `@${item.local}` : item.local;
    if (taken.has(key)) continue;
    taken.add(key);
    result.push({ key, item });
  }
  if (shape.text) result.push({ key: taken.has('value') ? '_value' : 'value', item: { kind: 'text', shape: shape.text } });
  return result;
}

/** The fields of an object type by the key they read (`@wire(name:)`, else the field name). */
export function fieldsByKey(type) {
  return new Map(Object.values(type.getFields()).map((field) => [wireNameOf(field) ?? field.name, field]));
}

/** What the generated answers exercised, summed over a document's operations. */
export function newStats() {
  return { elements: 0, values: 0, attributes: 0, enums: 0, lists: 0, nil: 0, absent: 0, choiceSkipped: 0 };
}

function isEnum(sample) {
  return sample.expected !== null && typeof sample.expected === 'object' && !Array.isArray(sample.expected);
}

export class AnswerWriter {
  /** @param options { picker: ChoicePicker, fixed: FixedValues, maxDepth } */
  constructor({ picker, fixed, maxDepth }) {
    this.picker = picker;
    this.fixed = fixed;
    this.maxDepth = maxDepth;
  }

  /**
   * For the output MessageContract of an operation (dist/sources/soap/operation-contract.js)
   * its binding style, its GraphQL field type and its result item (resultItemOf): { parts: XML strings of the Body's content (the wrapper
   * element, or the bare parts; rpc: the part accessors), expected, unrepresented: [] }.
   */
  write(output, style, fieldType, resultItem) {
    const state = { n: 0, prefixes: new Map(), expanded: new Set(), unrepresented: [], top: [], stats: newStats() };
    // The namespace declarations go on the wrapper element, else on each element directly in the Body (or rpc wrapper).
    const wrapped = output.wrapper !== undefined && style !== 'rpc';
    let body;
    let expected;
    let wrapperAttributes = '';
    if (resultItem) {
      const written = this.#element(state, resultItem, fieldType, 1, 'full', resultItem.local, !wrapped);
      body = written.xml;
      expected = written.value;
    } else if (output.content.items.length === 0 && !output.content.text) {
      body = '';
      expected = getNamedType(fieldType).name === 'Boolean' ? true : {};
    } else {
      const named = getNamedType(fieldType);
      if (!isObjectType(named)) throw new Error(`the response has several elements, but the field's type is ${named.name}`);
      const written = this.#object(state, output.content, named, 1, 'full', output.wrapper?.local ?? 'Body', !wrapped);
      body = written.children;
      // The response element's own attributes (Cisco AXL's sequence="…") go on the wrapper.
      wrapperAttributes = written.attributes;
      expected = written.value;
    }
    let parts;
    if (wrapped) {
      const name = this.#name(state, output.wrapper.local, output.wrapper.namespace);
      parts = [`<${name}${DECLARATIONS}${wrapperAttributes}>${body}</${name}>`];
    } else {
      // Bare parts and rpc accessors: each element directly in the Body (or the rpc wrapper) on its own.
      parts = state.top;
    }
    const declarations = [`xmlns:xsi="${XSI}"`, ...[...state.prefixes].map(([uri, prefix]) => `xmlns:${prefix}="${escapeXml(uri)}"`)]
      .map((d) => ` ${d}`)
      .join('');
    return { parts: parts.map((p) => p.split(DECLARATIONS).join(declarations)), expected, unrepresented: state.unrepresented, stats: state.stats };
  }

  #name(state, local, namespace) {
    if (!namespace) return local;
    let prefix = state.prefixes.get(namespace);
    if (!prefix) {
      prefix = `n${state.prefixes.size}`;
      state.prefixes.set(namespace, prefix);
    }
    return `${prefix}:${local}`;
  }

  /** A complex type's content as the children of an element: { attributes, children, value } or undefined past the depth bound. */
  #object(state, shape, type, level, mode, path, top = false) {
    if (level > this.maxDepth) return undefined;
    if (mode === 'full' && state.expanded.has(shape)) mode = 'sparse';
    if (mode === 'full') state.expanded.add(shape);
    const fields = fieldsByKey(type);
    const { excluded, chosen } = this.picker.pick(shape, state.n++);
    const value = {};
    let attributes = '';
    let children = '';
    for (const { key, item } of keyedItems(shape)) {
      const field = fields.get(key);
      const where = `${path}/${item.kind === 'attribute' ? '@' : ''}${item.local ?? 'text()'}`;
      if (!field) {
        state.unrepresented.push(`${where}: no field of ${type.name} reads it`);
        continue;
      }
      if (item.kind === 'attribute') {
        if (mode === 'sparse' && !item.required) {
          value[field.name] = null;
          continue;
        }
        const fixed = this.fixed.of(shape, `@${item.local}`);
        const sample = fixed !== undefined ? fixedValue(item.shape, fixed) : sampleValue(item.shape, where, state.n++);
        attributes += ` ${this.#name(state, item.local, item.namespace)}="${escapeXml(sample.text)}"`;
        state.stats.attributes++;
        if (isEnum(sample)) state.stats.enums++;
        value[field.name] = sample.expected;
      } else if (item.kind === 'text') {
        const sample = sampleValue(item.shape, where, state.n++);
        children += escapeXml(sample.text);
        value[field.name] = sample.expected;
      } else {
        const absent = excluded.has(item.local) || (mode === 'sparse' && item.minOccurs === 0 && !chosen.has(item.local));
        if (excluded.has(item.local)) state.stats.choiceSkipped++;
        else if (absent) state.stats.absent++;
        if (absent) {
          value[field.name] = isListType(getNullableType(field.type)) && item.maxOccurs > 1 ? [] : null;
          continue;
        }
        const written = this.#element(state, item, field.type, level + 1, mode, where, top, this.fixed.of(shape, item.local));
        if (written === undefined) continue; // past the depth bound: neither sent nor selected
        children += written.xml;
        value[field.name] = written.value;
      }
    }
    return { attributes, children, value };
  }

  /** Every occurrence of an element item: { xml, value } or undefined past the depth bound. */
  #element(state, item, type, level, mode, path, top, fixed) {
    const nullable = getNullableType(type);
    if (isListType(nullable) && item.maxOccurs > 1) {
      const modes = mode === 'full' ? ['full', 'sparse'] : item.minOccurs >= 2 ? ['sparse', 'sparse'] : ['sparse'];
      const written = modes.map((m, i) => this.#single(state, item, nullable.ofType, level, m, `${path}[${i + 1}]`, top, fixed));
      if (written.some((w) => w === undefined)) return undefined;
      state.stats.lists++;
      return { xml: written.map((w) => w.xml).join(''), value: written.map((w) => w.value) };
    }
    return this.#single(state, item, type, level, mode, path, top, fixed);
  }

  #single(state, item, type, level, mode, path, top, fixed) {
    const name = this.#name(state, item.local, item.namespace);
    const open = top ? `${name}${DECLARATIONS}` : name;
    let written;
    if (mode === 'sparse' && item.nillable) {
      if (this.#pastDepth(item.shape, type, level)) return undefined;
      written = { xml: `<${open} xsi:nil="true"/>`, value: null };
      state.stats.nil++;
    } else {
      const content = this.#content(state, item.shape, type, level, mode, path, fixed);
      if (content === undefined) return undefined;
      written = { xml: `<${open}${content.attributes}>${content.children}</${name}>`, value: content.value };
      state.stats.elements++;
    }
    if (top) state.top.push(written.xml);
    return written;
  }

  /** Whether an element of this shape and GraphQL type would be an object past the depth bound (a nil one is cut like a full one, so the two agree). */
  #pastDepth(shape, type, level) {
    const named = getNamedType(type);
    return isObjectType(named) && level > this.maxDepth;
  }

  /** An element's content: { attributes, children, value } or undefined past the depth bound. */
  #content(state, shape, type, level, mode, path, fixed) {
    const nullable = getNullableType(type);
    const named = getNamedType(type);
    if (isListType(nullable)) {
      const entry = listItemOf(shape);
      if (entry) {
        // ArrayOfX (or soapenc:Array) read as [X]: the entries are the list; they sit at the wrapper's level.
        const modes = mode === 'full' ? ['full', 'sparse'] : ['sparse'];
        const written = modes.map((m, i) => this.#single(state, entry, nullable.ofType, level, m, `${path}/${entry.local}[${i + 1}]`, false));
        if (written.some((w) => w === undefined)) return undefined;
        state.stats.lists++;
        return { attributes: '', children: written.map((w) => w.xml).join(''), value: written.map((w) => w.value) };
      }
      if (shape.kind === 'simple' && shape.list) {
        const sample = sampleValue(shape, path, state.n++);
        return { attributes: '', children: escapeXml(sample.text), value: sample.expected };
      }
      const one = this.#content(state, shape, nullable.ofType, level, mode, path, fixed);
      return one && { ...one, value: [one.value] };
    }
    if (isObjectType(named) && shape.kind === 'complex') {
      const object = this.#object(state, shape, named, level, mode, path);
      return object && { attributes: object.attributes, children: object.children, value: object.value };
    }
    if (named.name === 'JSON' || shape.kind === 'any') {
      // Free-form content: one child element, read back as { note: text }.
      const text = `${path}#${state.n++}`;
      return { attributes: '', children: `<note>${escapeXml(text)}</note>`, value: { note: text } };
    }
    const simple = shape.kind === 'simple' ? shape : shape.text;
    const simpleShape = simple ?? { kind: 'simple', builtin: 'string', list: false };
    const sample = fixed !== undefined ? fixedValue(simpleShape, fixed) : sampleValue(simpleShape, path, state.n++);
    state.stats.values++;
    if (isEnum(sample)) state.stats.enums++;
    return { attributes: '', children: escapeXml(sample.text), value: sample.expected };
  }
}
