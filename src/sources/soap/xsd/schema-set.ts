import type { SchemaLocation } from '../../../errors/schema-error.js';
import type { SchemaDocument } from '../wsdl/load-documents.js';
import { isXsdNamespace } from '../wsdl/namespaces.js';
import { qname, whereIs, type QName } from '../wsdl/qname.js';
import type { XmlElement } from '../xml/xml-tree.js';

/** The schema a declaration sits in: what decides whether its local elements are namespace-qualified. */
export interface SchemaInfo {
  readonly targetNamespace: string;
  readonly elementsQualified: boolean;
  readonly attributesQualified: boolean;
  readonly file: string;
}

/** A top-level XSD declaration and the schema it belongs to. */
export interface Declaration {
  readonly node: XmlElement;
  readonly schema: SchemaInfo;
}

/**
 * Every top-level declaration of every schema a WSDL carries or imports, by qualified
 * name: the symbol spaces XSD defines (elements, types, groups, attributes, attribute groups).
 */
export class SchemaSet {
  readonly elements = new Map<QName, Declaration>();
  /** complexType and simpleType share one symbol space. */
  readonly types = new Map<QName, Declaration>();
  readonly groups = new Map<QName, Declaration>();
  readonly attributes = new Map<QName, Declaration>();
  readonly attributeGroups = new Map<QName, Declaration>();
  readonly namespaces = new Set<string>();

  constructor(documents: readonly SchemaDocument[]) {
    for (const document of documents) this.#add(document);
  }

  where(declaration: Declaration): SchemaLocation {
    return whereIs(declaration.node, declaration.schema.file);
  }

  #add({ element, file, targetNamespace }: SchemaDocument): void {
    const schema: SchemaInfo = {
      targetNamespace,
      elementsQualified: element.attributes.elementFormDefault === 'qualified',
      attributesQualified: element.attributes.attributeFormDefault === 'qualified',
      file,
    };
    this.namespaces.add(targetNamespace);
    const visit = (parent: XmlElement) => {
      for (const node of parent.children) {
        if (!isXsdNamespace(node.uri)) continue;
        if (node.local === 'redefine') {
          visit(node);
          continue;
        }
        const name = node.attributes.name;
        if (!name) continue;
        const key = qname(targetNamespace, name);
        const declaration = { node, schema };
        switch (node.local) {
          case 'element':
            this.elements.set(key, declaration);
            break;
          case 'complexType':
          case 'simpleType':
            this.types.set(key, declaration);
            break;
          case 'group':
            this.groups.set(key, declaration);
            break;
          case 'attribute':
            this.attributes.set(key, declaration);
            break;
          case 'attributeGroup':
            this.attributeGroups.set(key, declaration);
            break;
        }
      }
    };
    visit(element);
  }
}
