// GraphQL arguments for one operation, generated from the XSD of its input message so that
// the request Skein writes has content worth validating: every argument and input field,
// with values of the XSD type behind each (a duration where the XSD says duration, not
// any string), one alternative per choice, lists of two.
import { getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { graphqlNames, keyedItems as skeinKeys } from '../../../../dist/sources/soap/field-keys.js';
import { listItemOf } from '../../../../dist/sources/soap/xsd/shapes.js';
import { wireNameOf } from '../../../../dist/sources/wire-names.js';
import { keyedItems } from './answer-writer.js';
import { fixedValue, sampleValue } from './sample-values.js';

export class ArgumentWriter {
  constructor({ picker, fixed, maxDepth }) {
    this.picker = picker;
    this.fixed = fixed;
    this.maxDepth = maxDepth;
  }

  /**
   * Arguments for a field: the input content's items and the soap:header parts, named as
   * the importer names arguments (arguments carry no @wire, so the names are recomputed
   * from the items, as the runtime does: dist/sources/soap/field-keys.js).
   */
  write(input, headers, field) {
    const state = { n: 0, expanded: new Set() };
    const keyed = skeinKeys(input.content, headers);
    const names = graphqlNames(keyed.map((k) => k.key));
    const args = new Map(field.args.map((a) => [a.name, a]));
    const { excluded } = this.picker.pick(input.content, state.n++);
    const values = {};
    for (const { key, item } of keyed) {
      const argument = args.get(names.get(key));
      if (!argument || (item.kind === 'element' && excluded.has(item.local))) continue;
      const value = this.#item(state, item, argument.type, 1, `${field.name}.${key}`, this.#fixedOf(input.content, item));
      if (value !== undefined) values[argument.name] = value;
    }
    return values;
  }

  #fixedOf(shape, item) {
    return item.kind === 'element' ? this.fixed.of(shape, item.local) : item.kind === 'attribute' ? this.fixed.of(shape, `@${item.local}`) : undefined;
  }

  #item(state, item, type, level, path, fixed) {
    if (item.kind === 'text' || item.kind === 'attribute') return this.#simple(state, item.shape, type, path, fixed);
    const nullable = getNullableType(type);
    if (isListType(nullable) && item.maxOccurs > 1) {
      const values = [0, 1].map((i) => this.#content(state, item.shape, nullable.ofType, level, `${path}[${i + 1}]`, fixed));
      return values.some((v) => v === undefined) ? undefined : values;
    }
    return this.#content(state, item.shape, type, level, path, fixed);
  }

  #content(state, shape, type, level, path, fixed) {
    const nullable = getNullableType(type);
    const named = getNamedType(type);
    if (isListType(nullable)) {
      const entry = listItemOf(shape);
      if (entry) {
        const values = [0, 1].map((i) => this.#content(state, entry.shape, nullable.ofType, level, `${path}/${entry.local}[${i + 1}]`));
        return values.some((v) => v === undefined) ? undefined : values;
      }
      if (shape.kind === 'simple' && shape.list) return this.#simple(state, shape, type, path, fixed);
      const one = this.#content(state, shape, nullable.ofType, level, path, fixed);
      return one === undefined ? undefined : [one];
    }
    if (isInputObjectType(named) && shape.kind === 'complex') return this.#object(state, shape, named, level, path);
    if (named.name === 'JSON') return { note: `${path}#${state.n++}` };
    return this.#simple(state, shape.kind === 'simple' ? shape : shape.text, type, path, fixed);
  }

  #object(state, shape, type, level, path) {
    if (level > this.maxDepth) return undefined;
    // A type written in full once; later instances carry only what the XSD requires, so nesting stays small.
    const full = !state.expanded.has(shape);
    state.expanded.add(shape);
    const fields = new Map(Object.values(type.getFields()).map((f) => [wireNameOf(f) ?? f.name, f]));
    const { excluded, chosen } = this.picker.pick(shape, state.n++);
    const value = {};
    for (const { key, item } of keyedItems(shape)) {
      const field = fields.get(key);
      if (!field) continue;
      if (item.kind === 'element' && (excluded.has(item.local) || (!full && item.minOccurs === 0 && !chosen.has(item.local)))) continue;
      if (item.kind === 'attribute' && !full && !item.required) continue;
      if (item.kind === 'element' && !full && item.nillable && !isNonNullType(field.type)) {
        // Sparse instances give nillable elements null, which Skein must write as xsi:nil="true".
        value[field.name] = null;
        continue;
      }
      const written = this.#item(state, item, field.type, level + 1, `${path}/${key}`, this.#fixedOf(shape, item));
      if (written !== undefined) value[field.name] = written;
    }
    return value;
  }

  #simple(state, shape, type, path, fixed) {
    const named = getNamedType(type);
    const simple = shape ?? { kind: 'simple', builtin: 'string', list: false };
    const sample = fixed !== undefined ? fixedValue(simple, fixed) : sampleValue(simple, path, state.n++);
    const convert = (expected) => {
      if (expected && typeof expected === 'object' && 'enum' in expected) {
        if (!isEnumType(named)) return expected.enum;
        const value = named.getValues().find((v) => (wireNameOf(v) ?? v.name) === expected.enum);
        return value?.name;
      }
      return expected;
    };
    return Array.isArray(sample.expected) ? sample.expected.map(convert) : convert(sample.expected);
  }
}
