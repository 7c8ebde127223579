import { SchemaError } from '../../errors/schema-error.js';
import type { SelectedPort } from './wsdl/select-port.js';
import type { SoapVersion, WsdlDefinitions, WsdlMessage, WsdlPart, MessageBinding } from './wsdl/wsdl-model.js';
import { describeQName } from './wsdl/qname.js';
import { ComplexShape, type ElementItem, type Item, type ShapeResolver } from './xsd/shapes.js';

/** How one direction of an operation sits in the SOAP Body. */
export interface MessageContract {
  /**
   * The element directly inside `soap:Body` that holds the parts: the request or response
   * element of a wrapped document operation, the operation element of an rpc one.
   * Undefined when the parts are the Body's children themselves (document/literal bare).
   */
  readonly wrapper?: { readonly local: string; readonly namespace: string };
  /** What the wrapper (or the Body) contains, as one complex shape: the GraphQL side's fields. */
  readonly content: ComplexShape;
  /** rpc/encoded: values carry `xsi:type`, arrays are `soapenc:Array`. */
  readonly encoded: boolean;
}

/** Everything needed to call one operation of the chosen port, decided from the WSDL alone. */
export interface OperationContract {
  readonly name: string;
  readonly style: 'document' | 'rpc';
  readonly soapVersion: SoapVersion;
  /** '' when the binding declares none; still sent, as SOAP 1.1 requires the header. */
  readonly soapAction: string;
  readonly input: MessageContract;
  /** `soap:header` parts of the request; the caller may give them as arguments. */
  readonly headers: readonly ElementItem[];
  /** Undefined for one-way operations. */
  readonly output?: MessageContract;
  readonly documentation?: string;
}

/** Names of the operations the port offers, in WSDL order. */
export function operationNames(port: SelectedPort): string[] {
  return [...port.binding.operations.keys()];
}

/**
 * Works out how an operation's request and response are laid out. A document operation
 * whose single part is an element of complex type is "wrapped": that element's children
 * become the arguments. Otherwise each part is an argument.
 */
export function operationContract(
  definitions: WsdlDefinitions,
  port: SelectedPort,
  resolver: ShapeResolver,
  name: string,
): OperationContract {
  const bound = port.binding.operations.get(name);
  const abstract = port.portType.operations.get(name);
  if (!bound || !abstract) {
    const known = operationNames(port);
    throw new SchemaError(
      `operation "${name}" is not in port ${port.port.name} of ${definitions.location} (operations: ${known.join(', ') || 'none'})`,
    );
  }
  const style = bound.style ?? port.binding.style;
  const message = (messageName: string | undefined, what: string): WsdlMessage | undefined => {
    if (!messageName) return undefined;
    const found = definitions.messages.get(messageName);
    if (!found) throw new SchemaError(`the ${what} of operation "${name}" is message ${describeQName(messageName)}, which is not defined`, abstract.where);
    return found;
  };
  const inputMessage = message(abstract.input, 'input');
  const outputMessage = message(abstract.output, 'output');
  const headers = (bound.input?.headers ?? []).map((header) => {
    const headerMessage = definitions.messages.get(header.message);
    const part = headerMessage?.parts.find((p) => p.name === header.part);
    if (!part) {
      throw new SchemaError(`soap:header of "${name}" names part "${header.part}" of ${describeQName(header.message)}, which does not exist`, header.where);
    }
    return partItem(part, resolver, header.namespace ?? '', false);
  });
  const headerParts = new Set((bound.input?.headers ?? []).filter((h) => h.message === abstract.input).map((h) => h.part));
  return {
    name,
    style,
    soapVersion: port.soapVersion,
    soapAction: bound.soapAction ?? '',
    input: messageContract(name, inputMessage, bound.input, headerParts, style, resolver, ''),
    headers,
    output: outputMessage ? messageContract(name, outputMessage, bound.output, new Set(), style, resolver, 'Response') : undefined,
    documentation: abstract.documentation,
  };
}

/** The one item the field returns, when the response holds exactly one element (`GetRoomResult`); else the whole content. */
export function resultItemOf(output: MessageContract): ElementItem | undefined {
  const items = output.content.items;
  if (output.content.text || items.length !== 1 || items[0].kind !== 'element') return undefined;
  return items[0];
}

function messageContract(
  operation: string,
  message: WsdlMessage | undefined,
  binding: MessageBinding | undefined,
  headerParts: ReadonlySet<string>,
  style: 'document' | 'rpc',
  resolver: ShapeResolver,
  suffix: string,
): MessageContract {
  const listed = binding?.parts;
  const parts = (message?.parts ?? []).filter((p) => (listed ? listed.includes(p.name) : !headerParts.has(p.name)));
  const encoded = binding?.use === 'encoded';
  const where = message?.where ?? { file: '', line: 1, column: 1 };
  if (style === 'rpc') {
    const items = parts.map((part) => partItem(part, resolver, '', true));
    return {
      wrapper: { local: operation + suffix, namespace: binding?.namespace ?? '' },
      content: new ComplexShape(undefined, operation + suffix, where, undefined, () => ({ items })),
      encoded,
    };
  }
  if (parts.length === 1 && parts[0].element) {
    const element = resolver.globalElement(parts[0].element, parts[0].where);
    const shape = element.shape;
    if (shape instanceof ComplexShape && !shape.text && !shape.arrayItem) {
      return { wrapper: { local: element.local, namespace: element.namespace }, content: shape, encoded };
    }
  }
  const items: Item[] = parts.map((part) => partItem(part, resolver, '', false));
  return {
    content: new ComplexShape(undefined, operation + suffix, where, undefined, () => ({ items })),
    encoded,
  };
}

/** A part as an element: its global element, or (rpc) an unqualified accessor named after it. */
function partItem(part: WsdlPart, resolver: ShapeResolver, namespace: string, rpc: boolean): ElementItem {
  if (part.element) {
    const element = resolver.globalElement(part.element, part.where);
    return rpc ? { ...element, local: part.name, namespace } : element;
  }
  return {
    kind: 'element',
    local: part.name,
    namespace,
    shape: resolver.typeNamed(part.type!, part.name, part.where),
    typeName: part.type,
    minOccurs: 1,
    maxOccurs: 1,
    // rpc parts may be sent as xsi:nil; read them as nullable rather than fail a whole answer.
    nillable: true,
  };
}
