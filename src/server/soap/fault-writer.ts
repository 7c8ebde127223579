import type { GraphQLError } from 'graphql';
import { escapeText } from '../../sources/soap/xml/xml-text.js';
import { envelopeNamespace, SKEIN_ERRORS_NAMESPACE, type SoapVersion } from './soap-versions.js';

/** One error as a SOAP caller reads it: GraphQL's code and message, and where it came from. */
export interface SoapError {
  /** The GraphQL error code (`UPSTREAM_HTTP_ERROR`, `COMPOSITE_PAUSED`, `BAD_REQUEST`, …). */
  readonly code: string;
  readonly message: string;
  /** The GraphQL path, dotted: `hotelOrder.room`. */
  readonly path?: string;
  readonly source?: string;
  /** The upstream's HTTP status. */
  readonly status?: number;
  readonly requestId?: string;
}

/**
 * Whose fault it is, in SOAP's words: the request's (Client in 1.1, Sender in 1.2), the
 * service's (Server, Receiver), an envelope of an unknown version, or a header block the
 * gateway must understand and does not.
 */
export type FaultKind = 'client' | 'server' | 'versionMismatch' | 'mustUnderstand';

export interface SoapFault {
  readonly kind: FaultKind;
  readonly errors: readonly SoapError[];
  /** Instead of the version's usual status (500; 400 for a SOAP 1.2 Sender fault): 404, 413. */
  readonly httpStatus?: number;
}

const CODES: Record<SoapVersion, Record<FaultKind, string>> = {
  '1.1': { client: 'Client', server: 'Server', versionMismatch: 'VersionMismatch', mustUnderstand: 'MustUnderstand' },
  '1.2': { client: 'Sender', server: 'Receiver', versionMismatch: 'VersionMismatch', mustUnderstand: 'MustUnderstand' },
};

/** A GraphQL error (already masked by the pipeline) as a SOAP error. */
export function soapErrorOf(error: GraphQLError): SoapError {
  const extensions = error.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  return {
    code,
    message: error.message,
    path: error.path?.join('.'),
    source: typeof extensions.source === 'string' ? extensions.source : undefined,
    status: typeof extensions.status === 'number' ? extensions.status : undefined,
    requestId: typeof extensions.requestId === 'string' ? extensions.requestId : undefined,
  };
}

/** A fault of the request's making: every problem is one BAD_REQUEST error. */
export function clientFault(problems: readonly string[], code = 'BAD_REQUEST', httpStatus?: number): SoapFault {
  return { kind: 'client', errors: problems.map((message) => ({ code, message })), httpStatus };
}

/** The HTTP status a fault travels with: 500 (SOAP 1.1, WS-I BP R1126), 400 for a SOAP 1.2 Sender fault. */
export function faultStatus(version: SoapVersion, fault: SoapFault): number {
  return fault.httpStatus ?? (version === '1.2' && fault.kind === 'client' ? 400 : 500);
}

/**
 * A Fault envelope. SOAP 1.1: `faultcode` (`soap:Client`/`soap:Server`), `faultstring`
 * (the first error's message),
 * `detail`; SOAP 1.2: `Code/Value` (`Sender`/`Receiver`) with the first error's GraphQL code
 * as its `Subcode` (`skein:COMPOSITE_PAUSED`), `Reason/Text`, `Detail`. The detail is
 * every error with its code, as `ERRORS_SCHEMA` declares.
 */
export function faultEnvelope(version: SoapVersion, fault: SoapFault): string {
  const [first] = fault.errors;
  const more = fault.errors.length > 1 ? ` (and ${fault.errors.length - 1} more in the detail)` : '';
  const reason = escapeText(first ? `${first.message}${more}` : 'the request failed');
  const code = CODES[version][fault.kind];
  const detail = errorsElement(fault.errors);
  const body =
    version === '1.1'
      ? `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${reason}</faultstring><detail>${detail}</detail></soap:Fault>`
      : `<soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value>${
          fault.errors[0] ? `<soap:Subcode><soap:Value>skein:${fault.errors[0].code}</soap:Value></soap:Subcode>` : ''
        }</soap:Code><soap:Reason><soap:Text xml:lang="en">${reason}</soap:Text></soap:Reason><soap:Detail>${detail}</soap:Detail></soap:Fault>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${envelopeNamespace(version)}" xmlns:skein="${SKEIN_ERRORS_NAMESPACE}"><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** `<skein:errors>`: a Fault's detail, and the header of an answer that is partial. */
export function errorsElement(errors: readonly SoapError[]): string {
  const items = errors.map((e) => {
    const optional = (name: string, value: string | number | undefined) =>
      value === undefined ? '' : `<skein:${name}>${escapeText(String(value))}</skein:${name}>`;
    return (
      `<skein:error><skein:code>${escapeText(e.code)}</skein:code><skein:message>${escapeText(e.message)}</skein:message>` +
      `${optional('path', e.path)}${optional('source', e.source)}${optional('status', e.status)}${optional('requestId', e.requestId)}</skein:error>`
    );
  });
  return `<skein:errors xmlns:skein="${SKEIN_ERRORS_NAMESPACE}">${items.join('')}</skein:errors>`;
}

/** The XSD of `<skein:errors>`, which every composite's WSDL carries for its Fault. */
export const ERRORS_SCHEMA = `<xsd:schema targetNamespace="${SKEIN_ERRORS_NAMESPACE}" elementFormDefault="qualified">
  <xsd:element name="errors" type="skein:Errors"/>
  <xsd:complexType name="Errors">
    <xsd:annotation><xsd:documentation>What went wrong, each error with the code GraphQL gives it.</xsd:documentation></xsd:annotation>
    <xsd:sequence>
      <xsd:element name="error" type="skein:Error" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="Error">
    <xsd:sequence>
      <xsd:element name="code" type="xsd:string"/>
      <xsd:element name="message" type="xsd:string"/>
      <xsd:element name="path" type="xsd:string" minOccurs="0"/>
      <xsd:element name="source" type="xsd:string" minOccurs="0"/>
      <xsd:element name="status" type="xsd:int" minOccurs="0"/>
      <xsd:element name="requestId" type="xsd:string" minOccurs="0"/>
    </xsd:sequence>
  </xsd:complexType>
</xsd:schema>`;
