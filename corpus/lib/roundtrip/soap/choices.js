// xsd:choice, which Skein's shapes flatten into optional fields: a valid instance holds
// one alternative, so the generator asks here which elements to leave out. Read from the
// XSD declarations themselves (complexType nodes, found by the location a shape records).
import { isXsdNamespace } from '../../../../dist/sources/soap/wsdl/namespaces.js';
import { localOf, resolveQName, whereIs } from '../../../../dist/sources/soap/wsdl/qname.js';

export class ChoicePicker {
  /** @param schemas a SchemaSet (dist/sources/soap/xsd/schema-set.js) */
  constructor(schemas, schemaDocuments) {
    this.schemas = schemas;
    this.nodes = complexTypeNodes(schemaDocuments);
  }

  /**
   * For the n-th instance of a complex shape: { excluded, chosen }, element local names of
   * the alternatives not taken and of those taken (one per choice, varying with n).
   */
  pick(shape, n) {
    const excluded = new Set();
    const chosen = new Set();
    const found = shape.where ? this.nodes.get(key(shape.where)) : undefined;
    if (found) this.#walk(found.node, found.file, n, excluded, chosen, new Set());
    for (const local of chosen) excluded.delete(local);
    return { excluded, chosen };
  }

  #walk(node, file, n, excluded, chosen, seen) {
    for (const child of xsdChildren(node)) {
      switch (child.local) {
        case 'choice': {
          const alternatives = xsdChildren(child)
            .map((alternative) => ({ alternative, locals: this.#locals(alternative, file, new Set()) }))
            .filter((a) => a.locals.length > 0);
          if (alternatives.length === 0) break;
          const taken = alternatives[n % alternatives.length];
          for (const a of alternatives) if (a !== taken) for (const local of a.locals) excluded.add(local);
          for (const local of taken.locals) chosen.add(local);
          this.#walk(taken.alternative, file, n, excluded, chosen, seen);
          break;
        }
        case 'sequence':
        case 'all':
        case 'complexContent':
        case 'extension':
        case 'restriction':
          if (child.local === 'extension' && child.attributes.base) this.#base(child, file, n, excluded, chosen, seen);
          this.#walk(child, file, n, excluded, chosen, seen);
          break;
        case 'group': {
          const group = this.#group(child, file);
          if (group && !seen.has(group.node)) this.#walk(group.node, group.schema.file, n, excluded, chosen, new Set([...seen, group.node]));
          break;
        }
      }
    }
  }

  #base(extension, file, n, excluded, chosen, seen) {
    const declaration = this.schemas.types.get(resolveQName(extension.attributes.base, extension, file));
    if (declaration && declaration.node.local === 'complexType' && !seen.has(declaration.node)) {
      this.#walk(declaration.node, declaration.schema.file, n, excluded, chosen, new Set([...seen, declaration.node]));
    }
  }

  #group(node, file) {
    if (!node.attributes.ref) return undefined;
    return this.schemas.groups.get(resolveQName(node.attributes.ref, node, file));
  }

  /** Every element local name a particle can hold. */
  #locals(node, file, seen) {
    if (node.local === 'element') return [node.attributes.ref ? localOf(resolveQName(node.attributes.ref, node, file)) : node.attributes.name];
    if (node.local === 'group') {
      const group = this.#group(node, file);
      if (!group || seen.has(group.node)) return [];
      return xsdChildren(group.node).flatMap((c) => this.#locals(c, group.schema.file, new Set([...seen, group.node])));
    }
    if (node.local === 'sequence' || node.local === 'choice' || node.local === 'all') return xsdChildren(node).flatMap((c) => this.#locals(c, file, seen));
    return [];
  }
}

/** Every complexType declaration, by the location a ComplexShape records (`where`). */
export function complexTypeNodes(schemaDocuments) {
  const nodes = new Map();
  for (const document of schemaDocuments) {
    const visit = (node) => {
      if (node.local === 'complexType' && isXsdNamespace(node.uri)) nodes.set(key(whereIs(node, document.file)), { node, file: document.file });
      for (const child of node.children) visit(child);
    };
    visit(document.element);
  }
  return nodes;
}

export function key(where) {
  return `${where.file}:${where.line}:${where.column}`;
}

export function xsdChildren(node) {
  return node.children.filter((c) => isXsdNamespace(c.uri) && c.local !== 'annotation');
}
