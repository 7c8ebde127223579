// `fixed="…"` on an element or attribute declaration: the only value a valid instance may
// hold (FedEx's Version/ServiceId is fixed to "ship"). Skein's shapes do not keep it, so it
// is read from the declarations of the complex type holding the item.
import { localOf, resolveQName } from '../../../../dist/sources/soap/wsdl/qname.js';
import { complexTypeNodes, key, xsdChildren } from './choices.js';

export class FixedValues {
  constructor(schemas, schemaDocuments) {
    this.schemas = schemas;
    this.nodes = complexTypeNodes(schemaDocuments);
    this.cache = new Map();
  }

  /** The fixed value of the element (or, with '@', attribute) `name` of a complex shape, if declared. */
  of(shape, name) {
    if (!shape.where) return undefined;
    let fixed = this.cache.get(shape);
    if (!fixed) {
      fixed = new Map();
      const found = this.nodes.get(key(shape.where));
      if (found) this.#collect(found.node, found.file, fixed, new Set([found.node]));
      this.cache.set(shape, fixed);
    }
    return fixed.get(name);
  }

  #collect(node, file, fixed, seen) {
    for (const child of xsdChildren(node)) {
      if (child.local === 'element' || child.local === 'attribute') {
        let declaration = child;
        let name = child.attributes.name;
        if (child.attributes.ref) {
          const qname = resolveQName(child.attributes.ref, child, file);
          name = localOf(qname);
          declaration = (child.local === 'element' ? this.schemas.elements : this.schemas.attributes).get(qname)?.node ?? child;
        }
        const value = child.attributes.fixed ?? declaration.attributes.fixed;
        if (name && value !== undefined) fixed.set(child.local === 'attribute' ? `@${name}` : name, value);
        continue;
      }
      let next;
      if ((child.local === 'group' || child.local === 'attributeGroup') && child.attributes.ref) {
        next = (child.local === 'group' ? this.schemas.groups : this.schemas.attributeGroups).get(resolveQName(child.attributes.ref, child, file));
      } else if (child.local === 'extension' && child.attributes.base) {
        const base = this.schemas.types.get(resolveQName(child.attributes.base, child, file));
        if (base && !seen.has(base.node)) this.#collect(base.node, base.schema.file, fixed, new Set([...seen, base.node]));
      }
      if (next) {
        if (!seen.has(next.node)) this.#collect(next.node, next.schema.file, fixed, new Set([...seen, next.node]));
      } else if (child.local !== 'complexType' && child.local !== 'simpleType') {
        this.#collect(child, file, fixed, seen);
      }
    }
  }
}
