import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLArgument,
  type GraphQLList,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';
import { escapeAttribute, escapeText } from '../../sources/soap/xml/xml-text.js';
import { ERRORS_SCHEMA } from './fault-writer.js';
import { SKEIN_ERRORS_NAMESPACE } from './soap-versions.js';
import { xsdTypeOf } from './wire-scalars.js';

/** One composite as a SOAP operation: names both the WSDL and the envelopes use. */
export interface SoapContract {
  /** The composite's name: the operation, and the request's wrapper element. */
  readonly name: string;
  readonly description: string | undefined;
  /** The composite's field on Query or Mutation: its arguments are the request, its type the result. */
  readonly field: GraphQLField<unknown, unknown>;
  /** The target namespace of the WSDL and of every element of its messages. */
  readonly namespace: string;
  /** The response's wrapper element, `<name>Response`. */
  readonly response: string;
  /** The one element inside the response: the composite's result, `<name>Result`. */
  readonly result: string;
  readonly soapAction: string;
}

/** The contract of a composite served at /soap/<name>. */
export function soapContract(field: GraphQLField<unknown, unknown>, description: string | undefined): SoapContract {
  const namespace = `urn:skein:composite:${field.name}`;
  return {
    name: field.name,
    description,
    field,
    namespace,
    response: `${field.name}Response`,
    result: `${field.name}Result`,
    soapAction: `${namespace}#${field.name}`,
  };
}

/**
 * A list whose items are lists has no repeated-element form of its own: each inner list
 * is an element of type `ArrayOf<X>` holding its items as repeated `item` elements.
 */
export const ARRAY_ITEM = 'item';

/**
 * The WSDL 1.1 of a composite: an inline XSD of its request and result (document/literal,
 * wrapped), one port type with one operation, a SOAP 1.1 and a SOAP 1.2 binding, and a
 * service with a port for each, both at `address`. Lists are repeated elements
 * (`maxOccurs="unbounded"`), nullable parts `minOccurs="0" nillable="true"`, enums
 * restrictions of xsd:string listing their GraphQL value names, descriptions
 * `xsd:documentation`. Errors are declared as a Fault whose detail is Skein's error list.
 */
export function writeWsdl(contract: SoapContract, address: string): string {
  const types = new XsdTypes();
  const { name, field } = contract;
  const request = field.args.map((arg) => types.element(arg.name, arg.type, optionalInput(arg), arg.description));
  const result = types.element(contract.result, field.type, true, contract.description);
  const tns = escapeAttribute(contract.namespace);
  const location = escapeAttribute(address);
  const documentation = contract.description ? `\n  <wsdl:documentation>${escapeText(contract.description)}</wsdl:documentation>` : '';
  const binding = (prefix: 'soap' | 'soap12', suffix: string) => `
  <wsdl:binding name="${name}${suffix}Binding" type="tns:${name}PortType">
    <${prefix}:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${name}">
      <${prefix}:operation soapAction="${escapeAttribute(contract.soapAction)}" style="document"/>
      <wsdl:input><${prefix}:body use="literal"/></wsdl:input>
      <wsdl:output><${prefix}:body use="literal"/></wsdl:output>
      <wsdl:fault name="error"><${prefix}:fault name="error" use="literal"/></wsdl:fault>
    </wsdl:operation>
  </wsdl:binding>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="${name}" targetNamespace="${tns}"
  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  xmlns:skein="${SKEIN_ERRORS_NAMESPACE}"
  xmlns:tns="${tns}">${documentation}
  <wsdl:types>
    <xsd:schema targetNamespace="${tns}" elementFormDefault="qualified">
      <xsd:element name="${name}">
        <xsd:complexType>${sequence(request, 8)}</xsd:complexType>
      </xsd:element>
      <xsd:element name="${contract.response}">
        <xsd:complexType>${sequence([result], 8)}</xsd:complexType>
      </xsd:element>${types.definitions().map((d) => `\n${indent(d, 6)}`).join('')}
    </xsd:schema>
${indent(ERRORS_SCHEMA, 4)}
  </wsdl:types>
  <wsdl:message name="${name}Request"><wsdl:part name="parameters" element="tns:${name}"/></wsdl:message>
  <wsdl:message name="${name}Response"><wsdl:part name="parameters" element="tns:${contract.response}"/></wsdl:message>
  <wsdl:message name="${name}Fault"><wsdl:part name="errors" element="skein:errors"/></wsdl:message>
  <wsdl:portType name="${name}PortType">
    <wsdl:operation name="${name}">
      <wsdl:input message="tns:${name}Request"/>
      <wsdl:output message="tns:${name}Response"/>
      <wsdl:fault name="error" message="tns:${name}Fault"/>
    </wsdl:operation>
  </wsdl:portType>${binding('soap', 'Soap')}${binding('soap12', 'Soap12')}
  <wsdl:service name="${name}Service">
    <wsdl:port name="${name}Soap" binding="tns:${name}SoapBinding"><soap:address location="${location}"/></wsdl:port>
    <wsdl:port name="${name}Soap12" binding="tns:${name}Soap12Binding"><soap12:address location="${location}"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}

/** An argument or input field a request may leave out: nullable, or with a default. */
export function optionalInput(input: GraphQLArgument | GraphQLInputField): boolean {
  return !isNonNullType(input.type) || input.defaultValue !== undefined;
}

/** The named XSD types a contract needs, each written once, in the order first met. */
class XsdTypes {
  private readonly written = new Map<string, string>();

  definitions(): string[] {
    return [...this.written.values()];
  }

  /**
   * `<xsd:element>` for a field, argument or list item. A list is the element repeated
   * (its own nullness cannot be told apart from emptiness on the wire); its items are
   * nillable when nullable. Anything else that is nullable, or that a request may leave
   * out (`optional`), is `minOccurs="0" nillable="true"`.
   */
  element(name: string, type: GraphQLType, optional: boolean, description?: string | null): string {
    const nonNull = isNonNullType(type);
    const nullable = nonNull ? type.ofType : type;
    let occurs: string;
    let reference: string;
    if (isListType(nullable)) {
      const item = nullable.ofType as GraphQLType;
      const itemNonNull = isNonNullType(item);
      const inner = itemNonNull ? item.ofType : item;
      reference = isListType(inner) ? this.arrayType(inner) : this.reference(getNamedType(inner));
      occurs = ` minOccurs="0" maxOccurs="unbounded"${itemNonNull ? '' : ' nillable="true"'}`;
    } else {
      reference = this.reference(getNamedType(nullable));
      occurs = nonNull && !optional ? '' : ' minOccurs="0" nillable="true"';
    }
    const start = `<xsd:element name="${name}" type="${reference}"${occurs}`;
    return description ? `${start}>${annotation(description)}</xsd:element>` : `${start}/>`;
  }

  /** `xsd:int`, or `tns:Room` after writing Room's definition (and what it uses). */
  private reference(type: GraphQLNamedType): string {
    if (isScalarType(type)) return `xsd:${xsdTypeOf(type)}`;
    if (!isEnumType(type) && !isObjectType(type) && !isInputObjectType(type)) return 'xsd:string'; // abstract types: JSON text
    if (!this.written.has(type.name)) {
      this.written.set(type.name, ''); // reserve first: types may refer to themselves
      this.written.set(type.name, this.define(type));
    }
    return `tns:${type.name}`;
  }

  private define(type: GraphQLNamedType): string {
    const documentation = type.description ? `\n  ${annotation(type.description)}` : '';
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => `\n    <xsd:enumeration value="${v.name}"/>`).join('');
      return `<xsd:simpleType name="${type.name}">${documentation}\n  <xsd:restriction base="xsd:string">${values}\n  </xsd:restriction>\n</xsd:simpleType>`;
    }
    const fields = isObjectType(type)
      ? Object.values(type.getFields()).map((f) => this.element(f.name, f.type, false, f.description))
      : isInputObjectType(type)
        ? Object.values(type.getFields()).map((f) => this.element(f.name, f.type, optionalInput(f), f.description))
        : [];
    return `<xsd:complexType name="${type.name}">${documentation}${sequence(fields, 0)}</xsd:complexType>`;
  }

  /** `ArrayOfRoom` (`ArrayOfArrayOfRoom`, …): an inner list, its items as repeated `item` elements. */
  private arrayType(list: GraphQLList<GraphQLType>): string {
    const name = arrayTypeName(list);
    if (!this.written.has(name)) {
      this.written.set(name, '');
      this.written.set(name, `<xsd:complexType name="${name}">${sequence([this.element(ARRAY_ITEM, list, true)], 0)}</xsd:complexType>`);
    }
    return `tns:${name}`;
  }
}

function arrayTypeName(list: GraphQLList<GraphQLType>): string {
  const item = isNonNullType(list.ofType) ? list.ofType.ofType : list.ofType;
  return `ArrayOf${isListType(item) ? arrayTypeName(item) : getNamedType(item).name}`;
}

/** `<xsd:sequence>` of the elements, its lines indented under a parent at `depth` spaces. */
function sequence(elements: readonly string[], depth: number): string {
  if (elements.length === 0) return '<xsd:sequence/>';
  const pad = ' '.repeat(depth);
  return `\n${pad}  <xsd:sequence>${elements.map((e) => `\n${pad}    ${e}`).join('')}\n${pad}  </xsd:sequence>\n${pad}`;
}

function annotation(text: string): string {
  return `<xsd:annotation><xsd:documentation>${escapeText(text)}</xsd:documentation></xsd:annotation>`;
}

function indent(text: string, depth: number): string {
  const pad = ' '.repeat(depth);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
