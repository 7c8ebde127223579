import { SaxesParser, type SaxesTag, type SaxesTagNS } from 'saxes';

/**
 * A parsed XML element: just what Skein reads from WSDLs, XSDs and SOAP messages.
 * Text is kept per element (concatenated); mixed content is not needed for SOAP.
 */
export interface XmlElement {
  /** The name as written, `soap:Body`. */
  readonly name: string;
  /** The name without its prefix, `Body`. */
  readonly local: string;
  /** The namespace URI, resolved against the declarations in scope; '' when none or not tracked. */
  readonly uri: string;
  /** Attributes by the name written (`xsi:nil`); values with entities decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
  /** 1-based position of the end of the start tag, for messages. */
  readonly line: number;
  readonly column: number;
  /** The prefixes in scope, for reading QName values (`type="tns:Room"`); only in namespace-aware mode. */
  readonly scope: Readonly<Record<string, string>>;
}

/** XML that is not well-formed, or that Skein refuses to read (a DTD). Says where. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface XmlParseOptions {
  /**
   * Resolve namespaces (WSDL and XSD, where QName values must be read exactly). SOAP
   * answers are parsed without, which is about twice as fast; they are matched by local name.
   */
  readonly namespaces: boolean;
}

const NO_SCOPE: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Parses a whole document into a tree, strictly: anything that is not well-formed XML
 * (HTML, a truncated answer) is an XmlSyntaxError; the one leniency is what may come
 * before the XML declaration (tolerantProlog). Document type declarations are refused
 * outright, so no entity is ever expanded and no external entity is ever fetched
 * (billion laughs and XXE fail here, cleanly). SOAP forbids DTDs in messages, and no
 * WSDL needs one.
 */
export function parseXml(text: string, options: XmlParseOptions): XmlElement {
  const prolog = tolerantProlog(text);
  text = prolog.text;
  const parser = options.namespaces
    ? new SaxesParser({ xmlns: true, position: true, defaultXMLVersion: prolog.version })
    : new SaxesParser({ xmlns: false, position: true, defaultXMLVersion: prolog.version });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, parser.line, parser.column);
  };

  parser.on('doctype', () => fail('a document type declaration (<!DOCTYPE …>) is not accepted'));
  parser.on('error', (error) => fail(error.message.replace(/^\d+:\d+: /, '')));
  parser.on('opentag', (tag: SaxesTag) => {
    const parent = stack[stack.length - 1];
    const element = options.namespaces ? namespacedElement(tag as SaxesTagNS, parent, parser) : plainElement(tag, parser);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('text', (value) => {
    const top = stack[stack.length - 1];
    if (top) top.text += value;
  });
  parser.on('cdata', (value) => {
    const top = stack[stack.length - 1];
    if (top) top.text += value;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(text).close();
  if (!root) fail('the document has no root element');
  return root!;
}

/**
 * Documents found in the wild put a byte order mark, blank lines or a comment before
 * the XML declaration, which XML forbids (the declaration must come first) but node-soap
 * and browsers accept. Such a declaration is blanked out with spaces, newlines kept, so
 * every line and column after it stays where it is in the text; the version it declares
 * is passed to the parser instead. A byte order mark is dropped, so that columns on the
 * first line count as an editor does. Nothing else changes: a DTD after the declaration
 * is still refused by the parser, where it is written.
 */
function tolerantProlog(text: string): { text: string; version: '1.0' | '1.1' | undefined } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const unchanged = { text, version: undefined };
  // The common cases, `<?xml …?>` first or no declaration at all, cost one look at the text.
  if (text.startsWith('<?') || (!text.startsWith('<!--') && !isXmlSpace(text.charCodeAt(0)))) return unchanged;
  let start = 0;
  for (;;) {
    while (isXmlSpace(text.charCodeAt(start))) start++;
    if (!text.startsWith('<!--', start)) break;
    const close = text.indexOf('-->', start + 4);
    if (close === -1) return unchanged;
    start = close + 3;
  }
  if (!/^<\?xml[\s?]/.test(text.slice(start, start + 6))) return unchanged;
  const end = text.indexOf('?>', start);
  if (end === -1) return unchanged;
  const declaration = text.slice(start, end + 2);
  const version = /\bversion\s*=\s*["']1\.1["']/.test(declaration) ? '1.1' : '1.0';
  return { text: text.slice(0, start) + declaration.replace(/[^\r\n]/g, ' ') + text.slice(end + 2), version };
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function plainElement(tag: SaxesTag, parser: SaxesParser): XmlElement {
  const colon = tag.name.indexOf(':');
  return {
    name: tag.name,
    local: colon === -1 ? tag.name : tag.name.slice(colon + 1),
    uri: '',
    attributes: tag.attributes as Record<string, string>,
    children: [],
    text: '',
    line: parser.line,
    column: parser.column,
    scope: NO_SCOPE,
  };
}

function namespacedElement(tag: SaxesTagNS, parent: XmlElement | undefined, parser: SaxesParser): XmlElement {
  const declared = tag.ns ?? {};
  let scope = parent?.scope ?? withXmlPrefix();
  // Only elements that declare namespaces get a scope of their own; the rest share their parent's.
  if (Object.keys(declared).length > 0) scope = Object.assign(Object.create(scope) as Record<string, string>, declared);
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(tag.attributes)) attributes[name] = attribute.value;
  return {
    name: tag.name,
    local: tag.local,
    uri: tag.uri,
    attributes,
    children: [],
    text: '',
    line: parser.line,
    column: parser.column,
    scope,
  };
}

function withXmlPrefix(): Record<string, string> {
  const scope = Object.create(null) as Record<string, string>;
  scope.xml = XML_NS;
  return scope;
}

/** The child elements of `element` in namespace `uri` named `local`. */
export function childrenNamed(element: XmlElement, uri: string, local: string): XmlElement[] {
  return element.children.filter((child) => child.local === local && child.uri === uri);
}

/** The first child element in namespace `uri` named `local`. */
export function childNamed(element: XmlElement, uri: string, local: string): XmlElement | undefined {
  return element.children.find((child) => child.local === local && child.uri === uri);
}
