import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import type { XmlElement } from '../xml/xml-tree.js';

/**
 * A qualified name in Clark notation, `{http://example.com/ns}Room`: one string, so it
 * can key a Map, and equal names from different prefixes compare equal.
 */
export type QName = string;

export function qname(namespace: string, local: string): QName {
  return `{${namespace}}${local}`;
}

export function namespaceOf(name: QName): string {
  return name.slice(1, name.indexOf('}'));
}

export function localOf(name: QName): string {
  return name.slice(name.indexOf('}') + 1);
}

/** `{urn:x}Room` → `tns:Room` style text for messages, using the prefix written at `at` when there is one. */
export function describeQName(name: QName): string {
  const namespace = namespaceOf(name);
  return namespace ? `${localOf(name)} (namespace ${namespace})` : localOf(name);
}

/** Where an element was written, for SchemaError. */
export function whereIs(element: XmlElement, file: string): SchemaLocation {
  return { file, line: element.line, column: element.column };
}

/**
 * Resolves a QName-valued attribute (`type="tns:Room"`) against the prefixes in scope
 * where it is written; an unprefixed value takes the default namespace, as XSD says.
 */
export function resolveQName(value: string, element: XmlElement, file: string): QName {
  const trimmed = value.trim();
  const colon = trimmed.indexOf(':');
  const prefix = colon === -1 ? '' : trimmed.slice(0, colon);
  const local = colon === -1 ? trimmed : trimmed.slice(colon + 1);
  const namespace = element.scope[prefix];
  if (namespace === undefined) {
    if (prefix === '') return qname('', local);
    throw new SchemaError(
      `<${element.name}> names "${trimmed}", but no namespace is declared for prefix "${prefix}" there`,
      whereIs(element, file),
    );
  }
  return qname(namespace, local);
}

/** Text of the `<documentation>` children of an element (WSDL or XSD annotation), tidied. */
export function documentationOf(element: XmlElement): string | undefined {
  const texts: string[] = [];
  const visit = (node: XmlElement) => {
    for (const child of node.children) {
      if (child.local === 'documentation') texts.push(allText(child));
      else if (child.local === 'annotation') visit(child);
    }
  };
  visit(element);
  // Line breaks inside a paragraph are the WSDL author's formatting; blank lines separate paragraphs.
  const text = texts
    .join('\n\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  return text || undefined;
}

function allText(element: XmlElement): string {
  return element.text + element.children.map(allText).join('');
}
