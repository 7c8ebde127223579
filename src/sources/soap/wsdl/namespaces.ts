/** The namespaces SOAP and WSDL 1.1 are written in. */
export const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  wsdlSoap11: 'http://schemas.xmlsoap.org/wsdl/soap/',
  wsdlSoap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  wsdl20: 'http://www.w3.org/ns/wsdl',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  soapEncoding: 'http://schemas.xmlsoap.org/soap/encoding/',
  soap11Envelope: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12Envelope: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;

/** Older schema namespaces still found in WSDLs from the early 2000s; read as XSD 2001. */
export const LEGACY_XSD_NAMESPACES: ReadonlySet<string> = new Set([
  'http://www.w3.org/1999/XMLSchema',
  'http://www.w3.org/2000/10/XMLSchema',
]);

export function isXsdNamespace(uri: string): boolean {
  return uri === NS.xsd || LEGACY_XSD_NAMESPACES.has(uri);
}
