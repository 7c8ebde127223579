/** The SDL a schema author writes to bind a field to a SOAP operation, and the scalars SOAP types need. */
export const soapDirectiveSDL = /* GraphQL */ `
"""A SOAP protocol version, to choose between a WSDL's SOAP 1.1 and SOAP 1.2 ports."""
enum SoapVersion { SOAP_1_1 SOAP_1_2 }

"""How a WS-Security UsernameToken carries the password."""
enum WsPasswordType {
  "The password itself (send only over https)."
  TEXT
  "Base64(SHA-1(nonce + created + password)), with a fresh nonce per call."
  DIGEST
}

"""A WS-Security UsernameToken sent in the soap:Header of every call. Values may name environment variables: "{env.SKEIN_SOURCE_PAYROLL_PASSWORD}"."""
input WsSecurity {
  username: String!
  password: String!
  passwordType: WsPasswordType = TEXT
  "Also send a wsu:Timestamp (created now, expires in 5 minutes)."
  timestamp: Boolean = false
}

"""HTTP basic authentication for reading a WSDL (and the documents it imports from the same origin). Values may name environment variables."""
input WsdlAuth { username: String!, password: String! }

"""Resolves a Query or Mutation field by calling an operation of a SOAP source."""
directive @soap(
  "Name of an @source of kind SOAP."
  source: String!
  "The operation's name in the WSDL, as written there (GetRoom); the field itself may be named anything."
  operation: String!
  "A SOAPAction to send instead of the one the WSDL declares."
  soapAction: String
  "Whether the operation only reads: a safe call is retried after a retryable failure (connection refused or reset, HTTP 502/503/504, a 500 that is not a SOAP Fault) and identical calls in one request are made once. Defaults to true on Query fields, false on Mutation fields."
  safe: Boolean
) on FIELD_DEFINITION

"""A 64-bit (or larger) integer (xsd:long, xsd:integer, unsigned types), as a string of digits so that no precision is lost."""
scalar Long
"""A calendar date as XSD writes it (xsd:date): "2026-03-01"."""
scalar Date
"""A date and time as XSD writes it (xsd:dateTime): "2026-03-01T09:30:00Z"; the offset is kept as sent."""
scalar DateTime
"""Binary data (xsd:base64Binary) as base64 text."""
scalar Base64
`;

/** The arguments SOAP adds to `@source`. */
export const soapSourceArguments = /* GraphQL */ `
  "SOAP: the WSDL, a file (relative to this schema file) or an http(s) URL. Without it, the WSDL is read from url + ?wsdl."
  wsdl: String
  "SOAP: the service to call, when the WSDL has several."
  wsdlService: String
  "SOAP: the port to call, when the WSDL has several (a SOAP 1.1 port is chosen otherwise)."
  wsdlPort: String
  "SOAP: choose the WSDL's port of this SOAP version."
  soapVersion: SoapVersion
  "SOAP: XML elements written into the soap:Header of every call; each declares its namespaces. {env.X} values are XML-escaped."
  soapHeaders: [String!]
  "SOAP: a WS-Security UsernameToken for every call."
  wsSecurity: WsSecurity
  "SOAP: basic authentication for reading the WSDL."
  wsdlAuth: WsdlAuth`;
