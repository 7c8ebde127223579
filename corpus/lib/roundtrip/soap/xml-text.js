// Writing XML text: escaping, and parsed elements back to text with the namespace
// declarations they rely on (a schema cut out of a WSDL, a payload cut out of an envelope).

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/**
 * A parsed element (dist/sources/soap/xml/xml-tree.js, namespace-aware) as standalone text:
 * the root declares every prefix in scope, a descendant the prefixes it binds differently.
 * Existing xmlns attributes are dropped and rewritten from the scopes, so nothing is declared twice.
 */
export function elementToText(element, parentScope = {}) {
  const declarations = [];
  const scope = element.scope ?? {};
  // Scopes inherit through prototypes (xml-tree.js), hence for…in rather than Object.entries.
  for (const prefix in scope) {
    const uri = scope[prefix];
    if (prefix === 'xml' || parentScope[prefix] === uri) continue;
    declarations.push(prefix === '' ? ` xmlns="${escapeXml(uri)}"` : ` xmlns:${prefix}="${escapeXml(uri)}"`);
  }
  const attributes = Object.entries(element.attributes)
    .filter(([name]) => name !== 'xmlns' && !name.startsWith('xmlns:'))
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`);
  const open = `<${element.name}${declarations.join('')}${attributes.join('')}`;
  if (element.children.length === 0 && element.text === '') return `${open}/>`;
  const inner = element.children.length > 0 ? element.children.map((child) => elementToText(child, scope)).join('') : escapeXml(element.text);
  return `${open}>${inner}</${element.name}>`;
}
