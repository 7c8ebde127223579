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
 * (HTML, a truncated answer) is an XmlSyntaxError. Document type declarations are
 * refused outright, so no entity is ever expanded and no external entity is ever
 * fetched (billion laughs and XXE fail here, cleanly). SOAP forbids DTDs in messages,
 * and no WSDL needs one.
 */
export function parseXml(text: string, options: XmlParseOptions): XmlElement {
  const parser = options.namespaces
    ? new SaxesParser({ xmlns: true, position: true })
    : new SaxesParser({ xmlns: false, position: true });
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
