import { SchemaError } from '../../errors/schema-error.js';
import type { SourceConfig } from '../protocol.js';
import { registerSecret } from '../http/secrets.js';
import { DocumentRefused, resolveDocument } from '../document-scope.js';
import { fillEnvTemplate } from '../env-template.js';
import type { BasicCredentials } from './wsdl/load-documents.js';
import type { PortChoice } from './wsdl/select-port.js';
import { parseXml, XmlSyntaxError } from './xml/xml-tree.js';
import { escapeText } from './xml/xml-text.js';
import type { SoapVersion } from './wsdl/wsdl-model.js';

export interface WsSecurityOptions {
  readonly username: string;
  readonly password: string;
  readonly passwordType: 'TEXT' | 'DIGEST';
  readonly timestamp: boolean;
}

/** The SOAP arguments of an `@source`, checked, with `{env.X}` filled in and paths resolved. */
export interface SoapSourceOptions {
  /** Absolute file path or URL of the WSDL, resolved within the source's document scope. */
  readonly wsdl: string;
  readonly port: PortChoice;
  /** Static header elements, as XML, written into every request's `soap:Header`. */
  readonly staticHeaders: string;
  readonly security?: WsSecurityOptions;
  readonly wsdlAuth?: BasicCredentials;
}

const VERSIONS: Readonly<Record<string, SoapVersion>> = { SOAP_1_1: '1.1', SOAP_1_2: '1.2' };

/**
 * Reads the SOAP-specific arguments of a source. A relative `wsdl` path is resolved
 * against the schema file that declares the source, and must stay inside the source's
 * folder (an absolute path or a `file:` URL is refused); without `wsdl`, the WSDL is
 * fetched from the endpoint with `?wsdl`, as most SOAP stacks serve it.
 */
export function readSoapOptions(source: SourceConfig, env: Readonly<Record<string, string | undefined>> = process.env): SoapSourceOptions {
  const options = source.options;
  const fail = (message: string) => new SchemaError(`source "${source.name}": ${message}`, source.location);
  const fill = (text: string, what: string, escape?: (value: string) => string): string => {
    try {
      return fillEnvTemplate(text, what, { env, escape });
    } catch (error) {
      throw fail((error as Error).message);
    }
  };

  let wsdl = options.wsdl as string | null | undefined;
  if (!wsdl) {
    if (!source.url) throw fail('a SOAP source needs wsdl (a file or URL) or url (whose ?wsdl is then read)');
    wsdl = `${source.url}?wsdl`;
  } else {
    try {
      wsdl = resolveDocument(wsdl, source.file, source.documents);
    } catch (error) {
      if (!(error instanceof DocumentRefused)) throw error;
      throw fail(`wsdl: ${error.message}`);
    }
  }

  const version = options.soapVersion as string | null | undefined;
  const port: PortChoice = {
    service: (options.wsdlService as string | null) ?? undefined,
    port: (options.wsdlPort as string | null) ?? undefined,
    soapVersion: version ? VERSIONS[version] : undefined,
  };

  const headers = ((options.soapHeaders as string[] | null) ?? []).map((text, index) => {
    const xml = fill(text, `soapHeaders[${index}]`, escapeText);
    checkFragment(xml, `soapHeaders[${index}]`, fail);
    return xml;
  });

  const security = options.wsSecurity as
    | { username: string; password: string; passwordType?: 'TEXT' | 'DIGEST'; timestamp?: boolean }
    | null
    | undefined;
  const auth = options.wsdlAuth as { username: string; password: string } | null | undefined;
  const securityPassword = security ? fill(security.password, 'wsSecurity.password') : undefined;
  const wsdlPassword = auth ? fill(auth.password, 'wsdlAuth.password') : undefined;
  // Never echoed in errors, whatever an upstream sends back.
  registerSecret(securityPassword);
  registerSecret(wsdlPassword);
  return {
    wsdl,
    port,
    staticHeaders: headers.join(''),
    security: security
      ? {
          username: fill(security.username, 'wsSecurity.username'),
          password: securityPassword!,
          passwordType: security.passwordType ?? 'TEXT',
          timestamp: security.timestamp ?? false,
        }
      : undefined,
    wsdlAuth: auth ? { username: fill(auth.username, 'wsdlAuth.username'), password: wsdlPassword! } : undefined,
  };
}

/** A static header must be well-formed XML that declares the namespaces it uses. */
function checkFragment(xml: string, what: string, fail: (message: string) => SchemaError): void {
  const wrapped = `<skein-header>${xml}</skein-header>`;
  let root;
  try {
    root = parseXml(wrapped, { namespaces: true });
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw fail(`${what} is not well-formed XML: ${error.message}`);
  }
  if (root.children.length === 0) throw fail(`${what} must be one or more XML elements, such as <t:Tenant xmlns:t="urn:x">acme</t:Tenant>`);
}
