import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import { childNamed, childrenNamed, type XmlElement } from '../xml/xml-tree.js';
import type { WsdlDocuments } from './load-documents.js';
import { localNameFallback } from './local-name-fallback.js';
import { NS } from './namespaces.js';
import { documentationOf, qname, resolveQName, whereIs, type QName } from './qname.js';

/** SOAP 1.1 or 1.2, as a binding declares it. */
export type SoapVersion = '1.1' | '1.2';

export interface WsdlPart {
  readonly name: string;
  /** document style: the global element the part is. */
  readonly element?: QName;
  /** rpc style: the type of the part's accessor element. */
  readonly type?: QName;
  readonly where: SchemaLocation;
}

export interface WsdlMessage {
  readonly name: QName;
  readonly parts: readonly WsdlPart[];
  readonly where: SchemaLocation;
}

export interface AbstractOperation {
  readonly name: string;
  readonly input?: QName;
  readonly output?: QName;
  readonly documentation?: string;
  readonly where: SchemaLocation;
}

export interface PortType {
  readonly name: QName;
  readonly operations: ReadonlyMap<string, AbstractOperation>;
}

/** How one message of an operation is put in the SOAP envelope (`soap:body`, `soap:header`). */
export interface MessageBinding {
  readonly use: 'literal' | 'encoded';
  /** rpc: the namespace of the operation's wrapper element. */
  readonly namespace?: string;
  /** The parts carried in the body, when soap:body lists them. */
  readonly parts?: readonly string[];
  readonly headers: readonly HeaderBinding[];
}

export interface HeaderBinding {
  readonly message: QName;
  readonly part: string;
  readonly use: 'literal' | 'encoded';
  readonly namespace?: string;
  readonly where: SchemaLocation;
}

export interface BoundOperation {
  readonly name: string;
  readonly soapAction?: string;
  readonly style?: 'document' | 'rpc';
  readonly input?: MessageBinding;
  readonly output?: MessageBinding;
  readonly where: SchemaLocation;
}

export interface Binding {
  readonly name: QName;
  readonly portType: QName;
  /** Undefined for bindings that are not SOAP (HTTP GET/POST, MIME). */
  readonly soapVersion?: SoapVersion;
  readonly style: 'document' | 'rpc';
  readonly operations: ReadonlyMap<string, BoundOperation>;
  readonly where: SchemaLocation;
}

export interface Port {
  readonly service: string;
  readonly name: string;
  readonly binding: QName;
  /** `soap:address location`. */
  readonly address?: string;
  readonly where: SchemaLocation;
}

/** The WSDL 1.1 definitions of a service, across every document it imports. */
export interface WsdlDefinitions {
  /** The file or URL the WSDL was read from. */
  readonly location: string;
  readonly targetNamespace: string;
  readonly messages: ReadonlyMap<QName, WsdlMessage>;
  readonly portTypes: ReadonlyMap<QName, PortType>;
  readonly bindings: ReadonlyMap<QName, Binding>;
  readonly ports: readonly Port[];
}

/** Reads messages, port types, bindings and services from the loaded documents. */
export function readWsdlDefinitions(documents: WsdlDocuments): WsdlDefinitions {
  const messages = new Map<QName, WsdlMessage>();
  const portTypes = new Map<QName, PortType>();
  const bindings = new Map<QName, Binding>();
  const ports: Port[] = [];
  for (const { element: root, file } of documents.wsdls) {
    const tns = root.attributes.targetNamespace ?? '';
    for (const node of root.children) {
      if (node.uri !== NS.wsdl) continue;
      const name = node.attributes.name;
      switch (node.local) {
        case 'message':
          messages.set(qname(tns, name), readMessage(node, tns, file));
          break;
        case 'portType':
          portTypes.set(qname(tns, name), readPortType(node, tns, file));
          break;
        case 'binding':
          bindings.set(qname(tns, name), readBinding(node, tns, file));
          break;
        case 'service':
          ports.push(...readPorts(node, file));
          break;
      }
    }
  }
  return {
    location: documents.wsdls[0]?.file ?? '',
    targetNamespace: documents.wsdls[0]?.element.attributes.targetNamespace ?? '',
    ...forgiveUnqualifiedReferences(messages, portTypes, bindings, ports),
  };
}

/**
 * The definitions with every reference between them resolved as `localNameFallback`
 * says: once all documents are read, since a reference may point into an imported one.
 */
function forgiveUnqualifiedReferences(
  messages: Map<QName, WsdlMessage>,
  portTypes: Map<QName, PortType>,
  bindings: Map<QName, Binding>,
  ports: Port[],
): Pick<WsdlDefinitions, 'messages' | 'portTypes' | 'bindings' | 'ports'> {
  const message = localNameFallback(messages);
  const portType = localNameFallback(portTypes);
  const binding = localNameFallback(bindings);
  const messageOf = (name: QName | undefined) => (name === undefined ? undefined : message(name));
  const bound = (side: MessageBinding | undefined): MessageBinding | undefined =>
    side && { ...side, headers: side.headers.map((header) => ({ ...header, message: message(header.message) })) };
  return {
    messages,
    portTypes: new Map(
      [...portTypes].map(([name, type]) => [
        name,
        {
          ...type,
          operations: new Map(
            [...type.operations].map(([op, operation]) => [op, { ...operation, input: messageOf(operation.input), output: messageOf(operation.output) }]),
          ),
        },
      ]),
    ),
    bindings: new Map(
      [...bindings].map(([name, b]) => [
        name,
        {
          ...b,
          portType: portType(b.portType),
          operations: new Map([...b.operations].map(([op, operation]) => [op, { ...operation, input: bound(operation.input), output: bound(operation.output) }])),
        },
      ]),
    ),
    ports: ports.map((port) => ({ ...port, binding: binding(port.binding) })),
  };
}

function readMessage(node: XmlElement, tns: string, file: string): WsdlMessage {
  const parts = childrenNamed(node, NS.wsdl, 'part').map((part): WsdlPart => {
    const where = whereIs(part, file);
    if (!part.attributes.name) throw new SchemaError(`<${part.name}> in message "${node.attributes.name}" has no name`, where);
    const element = part.attributes.element;
    const type = part.attributes.type;
    if (!element && !type) {
      throw new SchemaError(`part "${part.attributes.name}" of message "${node.attributes.name}" has neither element nor type`, where);
    }
    return {
      name: part.attributes.name,
      element: element ? resolveQName(element, part, file) : undefined,
      type: !element && type ? resolveQName(type, part, file) : undefined,
      where,
    };
  });
  return { name: qname(tns, node.attributes.name), parts, where: whereIs(node, file) };
}

function readPortType(node: XmlElement, tns: string, file: string): PortType {
  const operations = new Map<string, AbstractOperation>();
  for (const operation of childrenNamed(node, NS.wsdl, 'operation')) {
    const name = operation.attributes.name;
    if (operations.has(name)) continue; // Overloaded names are not callable by name; the first wins.
    const input = childNamed(operation, NS.wsdl, 'input')?.attributes.message;
    const output = childNamed(operation, NS.wsdl, 'output')?.attributes.message;
    operations.set(name, {
      name,
      input: input ? resolveQName(input, childNamed(operation, NS.wsdl, 'input')!, file) : undefined,
      output: output ? resolveQName(output, childNamed(operation, NS.wsdl, 'output')!, file) : undefined,
      documentation: documentationOf(operation),
      where: whereIs(operation, file),
    });
  }
  return { name: qname(tns, node.attributes.name), operations };
}

function soapNamespaceOf(node: XmlElement): SoapVersion | undefined {
  for (const child of node.children) {
    if (child.local !== 'binding') continue;
    if (child.uri === NS.wsdlSoap11) return '1.1';
    if (child.uri === NS.wsdlSoap12) return '1.2';
  }
  return undefined;
}

function readBinding(node: XmlElement, tns: string, file: string): Binding {
  const where = whereIs(node, file);
  const soapVersion = soapNamespaceOf(node);
  const soapNs = soapVersion === '1.2' ? NS.wsdlSoap12 : NS.wsdlSoap11;
  const soapBinding = soapVersion ? childNamed(node, soapNs, 'binding') : undefined;
  const style = soapBinding?.attributes.style === 'rpc' ? 'rpc' : 'document';
  if (!node.attributes.type) throw new SchemaError(`binding "${node.attributes.name}" has no type (port type)`, where);
  const operations = new Map<string, BoundOperation>();
  if (soapVersion) {
    for (const operation of childrenNamed(node, NS.wsdl, 'operation')) {
      const soapOperation = childNamed(operation, soapNs, 'operation');
      const operationStyle = soapOperation?.attributes.style;
      operations.set(operation.attributes.name, {
        name: operation.attributes.name,
        soapAction: soapOperation?.attributes.soapAction,
        style: operationStyle === 'rpc' || operationStyle === 'document' ? operationStyle : undefined,
        input: readMessageBinding(childNamed(operation, NS.wsdl, 'input'), soapNs, file),
        output: readMessageBinding(childNamed(operation, NS.wsdl, 'output'), soapNs, file),
        where: whereIs(operation, file),
      });
    }
  }
  return {
    name: qname(tns, node.attributes.name),
    portType: resolveQName(node.attributes.type, node, file),
    soapVersion,
    style,
    operations,
    where,
  };
}

function readMessageBinding(node: XmlElement | undefined, soapNs: string, file: string): MessageBinding | undefined {
  if (!node) return undefined;
  const body = childNamed(node, soapNs, 'body');
  const headers = childrenNamed(node, soapNs, 'header').map((header): HeaderBinding => {
    const where = whereIs(header, file);
    if (!header.attributes.message || !header.attributes.part) {
      throw new SchemaError(`<${header.name}> needs both message and part`, where);
    }
    return {
      message: resolveQName(header.attributes.message, header, file),
      part: header.attributes.part,
      use: header.attributes.use === 'encoded' ? 'encoded' : 'literal',
      namespace: header.attributes.namespace,
      where,
    };
  });
  const parts = body?.attributes.parts;
  return {
    use: body?.attributes.use === 'encoded' ? 'encoded' : 'literal',
    namespace: body?.attributes.namespace,
    parts: parts === undefined ? undefined : parts.split(/\s+/).filter(Boolean),
    headers,
  };
}

function readPorts(node: XmlElement, file: string): Port[] {
  return childrenNamed(node, NS.wsdl, 'port').map((port): Port => {
    const address = port.children.find(
      (child) => child.local === 'address' && (child.uri === NS.wsdlSoap11 || child.uri === NS.wsdlSoap12),
    );
    const where = whereIs(port, file);
    if (!port.attributes.binding) throw new SchemaError(`port "${port.attributes.name}" has no binding`, where);
    return {
      service: node.attributes.name,
      name: port.attributes.name,
      binding: resolveQName(port.attributes.binding, port, file),
      address: address?.attributes.location,
      where,
    };
  });
}
