import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { RegistryError } from '../errors.js';
import { EXPORT_NAMESPACE, type CompositeExport, type SourceReference } from './composite-export.js';
import { describe, operation, protocol } from './export-json.js';

/** The export as an XML document; the composite's document is kept verbatim in CDATA. */
export function exportToXML(exported: CompositeExport): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    cdataPropName: '#cdata',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    composite: {
      '@_xmlns': EXPORT_NAMESPACE,
      '@_format': String(exported.format),
      '@_name': exported.name,
      '@_operation': exported.operation,
      '@_version': String(exported.version),
      '@_state': exported.state,
      ...(exported.protocol ? { '@_protocol': exported.protocol } : {}),
      '@_exportedAt': exported.exportedAt,
      ...(exported.exportedFrom ? { '@_exportedFrom': exported.exportedFrom } : {}),
      ...(exported.description ? { description: exported.description } : {}),
      sources: {
        source: exported.sources.map((s) => ({ '@_name': s.name, '@_kind': s.kind, '@_version': String(s.version), '@_sha256': s.sha256 })),
      },
      document: { '#cdata': exported.document },
    },
  });
}

/**
 * Reads an export written by exportToXML. Malformed XML is refused with its line and
 * column; a DOCTYPE (and with it any entity declaration) is refused outright, so no
 * external or recursive entity is ever read or expanded.
 */
export function exportFromXML(text: string): CompositeExport {
  const root = readExportRoot(text, 'composite', EXPORT_NAMESPACE);
  return {
    format: 1,
    name: attribute(root, 'name', 'composite'),
    operation: operation(root.operation),
    version: wholeNumber(attribute(root, 'version', 'composite'), 'version'),
    state: attribute(root, 'state', 'composite'),
    description: root.description === undefined ? null : textOf(root.description),
    ...(root.protocol === undefined ? {} : { protocol: protocol(root.protocol) }),
    document: documentOf(root.document),
    sources: sourceReferencesOf(root),
    exportedAt: attribute(root, 'exportedAt', 'composite'),
    exportedFrom: typeof root.exportedFrom === 'string' ? root.exportedFrom : null,
  };
}

/**
 * The root element of an exported file (`<composite>`, a sync job's `<syncJob>`), as
 * attributes and children, after refusing what no export has: a DOCTYPE or entity
 * declaration (so nothing external or recursive is read or expanded), malformed XML (with
 * line and column), another root element or namespace, another format.
 */
export function readExportRoot(text: string, rootName: string, namespace: string): Record<string, unknown> {
  const declaration = findDeclaration(text);
  if (declaration) {
    throw new RegistryError(
      'BAD_INPUT',
      `the export declares ${declaration.what} at line ${declaration.line}, column ${declaration.column}; ` +
        'Skein exports never have one, and Skein reads no DTDs and expands no entities',
    );
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new RegistryError('BAD_INPUT', `the export is not well-formed XML: line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    cdataPropName: '#cdata',
    processEntities: true,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (name) => name === 'source',
  });
  const parsed = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(parsed).filter((key) => key !== '?xml');
  if (roots.length !== 1 || roots[0] !== rootName) {
    throw new RegistryError('BAD_INPUT', `expected the root element <${rootName} xmlns="${namespace}">, found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}`);
  }
  const root = parsed[rootName] as Record<string, unknown>;
  if (root.xmlns !== namespace) throw new RegistryError('BAD_INPUT', `expected <${rootName}> in namespace ${namespace}, found ${describe(root.xmlns)}`);
  if (root.format !== '1') throw new RegistryError('BAD_INPUT', `expected format="1" on <${rootName}>, found ${describe(root.format)}`);
  return root;
}

/** The `<sources>` references of an export's root element. */
export function sourceReferencesOf(root: Record<string, unknown>): SourceReference[] {
  const sourcesElement = root.sources as Record<string, unknown> | undefined;
  const sources = ((sourcesElement && typeof sourcesElement === 'object' ? sourcesElement.source : undefined) ?? []) as Record<string, unknown>[];
  return sources.map(
    (source): SourceReference => ({
      name: attribute(source, 'name', 'source'),
      kind: attribute(source, 'kind', 'source'),
      version: wholeNumber(attribute(source, 'version', 'source'), 'version'),
      sha256: attribute(source, 'sha256', 'source'),
    }),
  );
}

/** The first `<!DOCTYPE` or `<!ENTITY` outside comments and CDATA sections, with its place. */
function findDeclaration(text: string): { what: string; line: number; column: number } | undefined {
  let i = 0;
  while (i < text.length) {
    const next = text.indexOf('<!', i);
    if (next < 0) return undefined;
    if (text.startsWith('<!--', next)) {
      const end = text.indexOf('-->', next + 4);
      if (end < 0) return undefined; // the validator reports the unclosed comment
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', next)) {
      const end = text.indexOf(']]>', next + 9);
      if (end < 0) return undefined;
      i = end + 3;
    } else {
      const word = /^<!([A-Za-z]+)/.exec(text.slice(next, next + 12))?.[1]?.toUpperCase() ?? '';
      const before = text.slice(0, next).split('\n');
      return { what: word ? `<!${word}>` : 'a markup declaration', line: before.length, column: before[before.length - 1].length + 1 };
    }
  }
  return undefined;
}

export function attribute(element: Record<string, unknown>, name: string, elementName: string): string {
  const value = element[name];
  if (typeof value !== 'string' || value === '') throw new RegistryError('BAD_INPUT', `expected attribute ${name}="…" on <${elementName}>, found ${describe(value)}`);
  return value;
}

export function wholeNumber(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new RegistryError('BAD_INPUT', `expected ${name} to be a whole number, found ${describe(value)}`);
  return Number(value);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const cdata = (value as Record<string, unknown>)['#cdata'];
    if (cdata !== undefined) return ([] as unknown[]).concat(cdata).join('');
    const text = (value as Record<string, unknown>)['#text'];
    if (typeof text === 'string') return text;
  }
  return '';
}

/** The document: its CDATA sections joined (a `]]>` inside was split), else the element's text. */
export function documentOf(value: unknown): string {
  const text = textOf(value);
  if (!text.trim()) throw new RegistryError('BAD_INPUT', 'expected the document in <document>, found it empty');
  return text;
}
