import { parse } from 'graphql';
import { enumValueName, NameRegistry, typeName } from '../../naming.js';
import { graphqlNames, keyedItems } from '../field-keys.js';
import { localOf } from '../wsdl/qname.js';
import { scalarForBuiltin } from '../xsd/builtin-scalars.js';
import { listItemOf, type ComplexShape, type ElementItem, type Shape, type SimpleShape } from '../xsd/shapes.js';

/** Input or output side: the same XSD type becomes `Room` and `RoomInput`. */
type Side = 'output' | 'input';

/**
 * Turns shapes into readable SDL type definitions, each XSD type once per side, named
 * after the XSD type (or, when anonymous, the element declaring it). Definitions come
 * out in the order they are first needed, so the file reads top-down from the operations.
 */
export class SdlTypeWriter {
  readonly #names: NameRegistry;
  readonly #types = new Map<string, Map<object, string>>([
    ['output', new Map()],
    ['input', new Map()],
    ['enum', new Map()],
  ]);
  readonly #blocks: string[] = [];
  readonly counts = { objects: 0, inputs: 0, enums: 0, enumValues: 0 };

  constructor(reservedSDL: string) {
    this.#names = new NameRegistry(definedNames(reservedSDL));
  }

  /** Every definition written so far, in order. */
  get definitions(): readonly string[] {
    return this.#blocks.filter(Boolean);
  }

  /**
   * The GraphQL type of an element: lists for repeated elements and ArrayOf wrappers,
   * `!` where the XSD requires the element and does not allow nil. An absent repeated
   * element reads as an empty list, so such lists are non-null on output.
   */
  elementType(item: ElementItem, side: Side): string {
    const base = this.#valueType(item.shape, side);
    if (item.maxOccurs > 1) {
      const list = `[${base}${item.nillable ? '' : '!'}]`;
      return side === 'output' || item.minOccurs >= 1 ? `${list}!` : list;
    }
    return item.minOccurs >= 1 && !item.nillable ? `${base}!` : base;
  }

  simpleType(shape: SimpleShape): string {
    const one = shape.enumeration ? this.#enum(shape) : scalarForBuiltin(shape.builtin);
    return shape.list ? `[${one}!]` : one;
  }

  /** The named type for a complex shape on one side (or JSON when it has nothing to show). */
  complexType(shape: ComplexShape, side: Side): string {
    if (shape.items.length === 0 && !shape.text) return 'JSON';
    const known = this.#types.get(side)!.get(shape);
    if (known) return known;
    const base = typeName(shape.name ? localOf(shape.name) : shape.hint);
    const name = this.#names.claim(side === 'input' ? `${base}Input` : base);
    this.#types.get(side)!.set(shape, name);
    const slot = this.#blocks.push('') - 1; // Reserve the place: recursive types refer to the name before it is written.

    const keyed = keyedItems(shape);
    const names = graphqlNames(keyed.map((k) => k.key));
    const fields = keyed.map(({ key, item }) => {
      const name = names.get(key)!;
      let type: string;
      let documentation: string | undefined;
      if (item.kind === 'element') {
        type = this.elementType(item, side);
        documentation = item.documentation;
      } else if (item.kind === 'attribute') {
        type = this.simpleType(item.shape) + (item.required ? '!' : '');
        documentation = item.documentation;
      } else {
        type = this.simpleType(item.shape);
        documentation = 'The text content of the element.';
      }
      const wire = name === key ? '' : ` @wire(name: ${JSON.stringify(key)})`;
      return `${description(documentation, '  ')}  ${name}: ${type}${wire}`;
    });
    const keyword = side === 'input' ? 'input' : 'type';
    this.#blocks[slot] = `${description(shape.documentation, '')}${keyword} ${name} {\n${fields.join('\n')}\n}`;
    if (side === 'input') this.counts.inputs++;
    else this.counts.objects++;
    return name;
  }

  #valueType(shape: Shape, side: Side): string {
    if (shape.kind === 'simple') return this.simpleType(shape);
    if (shape.kind === 'any') return 'JSON';
    const entry = listItemOf(shape);
    if (entry) return `[${this.#valueType(entry.shape, side)}${entry.nillable ? '' : '!'}]`;
    return this.complexType(shape, side);
  }

  #enum(shape: SimpleShape): string {
    const key = shape.name ?? shape;
    const enums = this.#types.get('enum')! as Map<unknown, string>;
    const known = enums.get(key);
    if (known) return known;
    const name = this.#names.claim(typeName(shape.name ? localOf(shape.name) : shape.hint));
    enums.set(key, name);
    const values = new NameRegistry();
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const { value, documentation } of shape.enumeration ?? []) {
      if (seen.has(value)) continue;
      seen.add(value);
      // Values already written as GraphQL enum values (FEDEX_10KG_BOX) are kept; others are converted (double-bed → DOUBLE_BED).
      const valueName = values.claim(/^[A-Z_][A-Z0-9_]*$/.test(value) && !RESERVED_VALUES.has(value) ? value : enumValueName(value));
      const wire = valueName === value ? '' : ` @wire(name: ${JSON.stringify(value)})`;
      lines.push(`${description(documentation, '  ')}  ${valueName}${wire}`);
    }
    this.#blocks.push(`${description(shape.documentation, '')}enum ${name} {\n${lines.join('\n')}\n}`);
    this.counts.enums++;
    this.counts.enumValues += lines.length;
    return name;
  }
}

const RESERVED_VALUES = new Set(['TRUE', 'FALSE', 'NULL']);

/** A GraphQL description: a one-line string, or a block string for several lines. */
export function description(text: string | undefined, indent: string): string {
  if (!text) return '';
  if (!text.includes('\n')) return `${indent}${JSON.stringify(text)}\n`;
  const body = text.replace(/\\?"""/g, '\\"""').split('\n').map((line) => (line ? indent + line : line)).join('\n');
  return `${indent}"""\n${body}\n${indent}"""\n`;
}

function definedNames(sdl: string): string[] {
  const names = ['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID'];
  for (const definition of parse(sdl).definitions) {
    if ('name' in definition && definition.name && definition.kind !== 'DirectiveDefinition') names.push(definition.name.value);
  }
  return names;
}
