/** The two SOAP versions a composite answers in, and what differs between them on the wire. */
export type SoapVersion = '1.1' | '1.2';

export const SOAP11_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE = 'http://www.w3.org/2003/05/soap-envelope';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD = 'http://www.w3.org/2001/XMLSchema';

/** The namespace of the error details Skein puts in Faults (and in the header of a partial answer). */
export const SKEIN_ERRORS_NAMESPACE = 'urn:skein:soap:errors';

export function envelopeNamespace(version: SoapVersion): string {
  return version === '1.1' ? SOAP11_ENVELOPE : SOAP12_ENVELOPE;
}

export function versionOfNamespace(uri: string): SoapVersion | undefined {
  return uri === SOAP11_ENVELOPE ? '1.1' : uri === SOAP12_ENVELOPE ? '1.2' : undefined;
}

/** SOAP 1.1 travels as text/xml, SOAP 1.2 as application/soap+xml (SOAP 1.2 part 2, 7.1.4). */
export function contentType(version: SoapVersion): string {
  return version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8';
}

/** The version a request says it speaks before its envelope is read: by its content type. */
export function versionOfContentType(type: string | undefined): SoapVersion {
  return /application\/soap\+xml/i.test(type ?? '') ? '1.2' : '1.1';
}
