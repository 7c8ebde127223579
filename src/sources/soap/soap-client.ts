import { SchemaError } from '../../errors/schema-error.js';
import { HttpClient } from '../http/http-client.js';
import type { SourceConfig } from '../protocol.js';
import { securityHeader } from './security-header.js';
import { readSoapOptions } from './source-options.js';
import { loadWsdl, type LoadedWsdl } from './wsdl/load-wsdl.js';
import { selectPort, type SelectedPort } from './wsdl/select-port.js';

/** A SOAP source prepared at startup: its WSDL read once, its port chosen, its transport open. */
export interface SoapClient {
  readonly source: SourceConfig;
  readonly wsdl: LoadedWsdl;
  readonly port: SelectedPort;
  /** The URL requests go to: the source's url, else the port's soap:address. */
  readonly endpoint: string;
  readonly http: HttpClient;
  /** The `soap:Header` content every request carries (static headers, WS-Security). */
  readonly headerXml: () => string;
}

/**
 * Reads the WSDL (and its imports) once, chooses the port, and opens the source's HTTP
 * pool. Everything that can go wrong with the WSDL goes wrong here, at startup, as a
 * SchemaError that names the source and the document.
 */
export async function connectSoapSource(source: SourceConfig): Promise<SoapClient> {
  const options = readSoapOptions(source);
  let wsdl: LoadedWsdl;
  try {
    wsdl = await loadWsdl(options.wsdl, { auth: options.wsdlAuth, timeoutMs: source.timeoutMs, scope: source.documents });
  } catch (error) {
    if (error instanceof SchemaError) {
      throw new SchemaError(`source "${source.name}": ${error.message}`, error.location ?? source.location);
    }
    throw error;
  }
  let port: SelectedPort;
  try {
    port = selectPort(wsdl.definitions, options.port, source.location);
  } catch (error) {
    if (error instanceof SchemaError) throw new SchemaError(`source "${source.name}": ${error.message}`, source.location);
    throw error;
  }
  const endpoint = source.url ?? port.port.address;
  if (!endpoint) {
    throw new SchemaError(`source "${source.name}": port ${port.port.name} has no soap:address, so the source needs a url`, source.location);
  }
  const prefix = port.soapVersion === '1.2' ? 'soap12' : 'soap';
  const security = options.security ? securityHeader(options.security, prefix) : undefined;
  const staticHeaders = options.staticHeaders;
  const headerXml = security ? () => staticHeaders + security() : () => staticHeaders;
  return { source, wsdl, port, endpoint, http: new HttpClient(source), headerXml };
}
