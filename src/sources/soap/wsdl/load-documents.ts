import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import { DocumentRefused, isHttpUrl, resolveDocument, type DocumentScope } from '../../document-scope.js';
import { parseXml, XmlSyntaxError, type XmlElement } from '../xml/xml-tree.js';
import { isXsdNamespace, NS } from './namespaces.js';
import { whereIs } from './qname.js';

/** Credentials for a WSDL served behind HTTP basic authentication. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

export interface LoadOptions {
  /** Where the documents the WSDL imports may be read from (the WSDL itself is given). */
  readonly scope: DocumentScope;
  /** Sent with every request for the WSDL and the documents it imports from the same origin. */
  readonly auth?: BasicCredentials;
  readonly timeoutMs?: number;
}

/** One `<xsd:schema>`, inline in a WSDL or a document of its own. */
export interface SchemaDocument {
  readonly element: XmlElement;
  readonly file: string;
  /** Its targetNamespace, or that of the schema including it (a "chameleon" include). */
  readonly targetNamespace: string;
}

/** A WSDL with everything it imports, parsed. */
export interface WsdlDocuments {
  /** The WSDL documents: the one asked for first, then those it imports. */
  readonly wsdls: readonly { readonly element: XmlElement; readonly file: string }[];
  readonly schemas: readonly SchemaDocument[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Reads a WSDL from a file or an http(s) URL, and every WSDL and XSD it imports or
 * includes, resolving relative locations against the document that names them, within
 * `options.scope` (a location outside it is refused before anything is opened). Each
 * document is read once, however often it is named. A document that cannot be read or
 * parsed is a SchemaError naming it and the element that asked for it.
 */
export async function loadWsdlDocuments(location: string, options: LoadOptions): Promise<WsdlDocuments> {
  const wsdls: { element: XmlElement; file: string }[] = [];
  const schemas: SchemaDocument[] = [];
  const seen = new Set<string>();
  const origin = originOf(location);
  /** Where an import points, or a SchemaError at the element that names a location the scope refuses. */
  const locate = (named: string, from: { element: XmlElement; file: string }): string => {
    try {
      return resolveDocument(named, from.file, options.scope);
    } catch (error) {
      if (!(error instanceof DocumentRefused)) throw error;
      throw new SchemaError(`<${from.element.name}> asks for a document Skein will not read: ${error.message}`, whereIs(from.element, from.file));
    }
  };

  const readDocument = async (where: string, from?: { element: XmlElement; file: string }): Promise<XmlElement> => {
    let text: string;
    try {
      text = await fetchText(where, origin, options);
    } catch (error) {
      const reason = (error as Error).message;
      throw from
        ? new SchemaError(`<${from.element.name}> asks for ${where}, which cannot be read: ${reason}`, whereIs(from.element, from.file))
        : new SchemaError(`cannot read the WSDL ${where}: ${reason}`);
    }
    try {
      return collapseNames(parseXml(text, { namespaces: true }));
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      if (/^\s*(<!doctype html|<html)/i.test(text)) {
        throw new SchemaError(`${where} is an HTML page, not XML (a login or error page? check the URL and wsdlAuth)`, {
          file: where,
          line: 1,
          column: 1,
        });
      }
      throw new SchemaError(`${where} is not well-formed XML: ${error.message}`, {
        file: where,
        line: error.line,
        column: error.column,
      });
    }
  };

  const visitWsdl = async (where: string, from?: { element: XmlElement; file: string }): Promise<void> => {
    if (seen.has(where)) return;
    seen.add(where);
    const root = await readDocument(where, from);
    if (root.uri === NS.wsdl20) {
      throw new SchemaError(`${where} is a WSDL 2.0 description; Skein reads WSDL 1.1`, whereIs(root, where));
    }
    if (root.local === 'schema' && isXsdNamespace(root.uri)) {
      // wsdl:import sometimes points at a plain XSD.
      await visitSchema(root, where, root.attributes.targetNamespace ?? '');
      return;
    }
    if (root.local !== 'definitions' || root.uri !== NS.wsdl) {
      throw new SchemaError(
        `${where} is not a WSDL: expected a <definitions> root in ${NS.wsdl}, found <${root.name}>${root.uri ? ` in ${root.uri}` : ''}`,
        whereIs(root, where),
      );
    }
    wsdls.push({ element: root, file: where });
    for (const child of root.children) {
      if (child.uri === NS.wsdl && child.local === 'import' && child.attributes.location) {
        await visitWsdl(locate(child.attributes.location, { element: child, file: where }), { element: child, file: where });
      } else if (child.uri === NS.wsdl && child.local === 'types') {
        for (const schema of child.children) {
          if (schema.local === 'schema' && isXsdNamespace(schema.uri)) {
            await visitSchema(schema, where, schema.attributes.targetNamespace ?? '');
          }
        }
      }
    }
  };

  const visitSchema = async (element: XmlElement, file: string, targetNamespace: string): Promise<void> => {
    schemas.push({ element, file, targetNamespace });
    for (const child of element.children) {
      if (!isXsdNamespace(child.uri)) continue;
      const kind = child.local;
      // `location` is WSDL's attribute, not XSD's, but WSDLs write it on <xsd:include> and node-soap follows it.
      const attribute = child.attributes.schemaLocation !== undefined ? 'schemaLocation' : 'location';
      const schemaLocation = child.attributes[attribute];
      if ((kind !== 'import' && kind !== 'include' && kind !== 'redefine') || !schemaLocation) continue;
      const where = locate(schemaLocation, { element: child, file });
      // A chameleon include takes on the includer's namespace, so the same file may be read twice for two namespaces.
      const key = kind === 'import' ? where : `${where}#${targetNamespace}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const root = await readDocument(where, { element: child, file });
      if (root.local !== 'schema' || !isXsdNamespace(root.uri)) {
        throw new SchemaError(
          `<${child.name} ${attribute}="${schemaLocation}"> expects an XML Schema, but ${where} has a <${root.name}> root`,
          whereIs(child, file),
        );
      }
      const declared = root.attributes.targetNamespace;
      if (kind === 'import' && child.attributes.namespace !== undefined && (declared ?? '') !== child.attributes.namespace) {
        throw new SchemaError(
          `<${child.name}> imports namespace "${child.attributes.namespace}", but ${where} declares targetNamespace "${declared ?? ''}"`,
          whereIs(child, file),
        );
      }
      await visitSchema(root, where, declared ?? (kind === 'import' ? '' : targetNamespace));
    }
  };

  await visitWsdl(isUrl(location) ? location : path.resolve(location));
  return { wsdls, schemas };
}

export const isUrl = isHttpUrl;

/**
 * The attributes of WSDL and XSD that hold names (NCName, QName, lists of QNames) are
 * whitespace-collapsed by their schema types, so `name="ResultCode "` names ResultCode,
 * as every XSD processor (and node-soap) reads it; found in an Ericsson WSDL shipped in
 * soap@0.3.2's tests. Values (default, fixed, enumeration values) are left as written.
 */
const NAME_ATTRIBUTES = new Set(['name', 'ref', 'type', 'base', 'element', 'message', 'binding', 'itemType', 'memberTypes', 'substitutionGroup']);

function collapseNames(element: XmlElement): XmlElement {
  const attributes = element.attributes as Record<string, string>;
  for (const key in attributes) {
    if (NAME_ATTRIBUTES.has(key)) attributes[key] = attributes[key].replace(/\s+/g, ' ').trim();
  }
  for (const child of element.children) collapseNames(child);
  return element;
}

function originOf(location: string): string | undefined {
  return isUrl(location) ? new URL(location).origin : undefined;
}

async function fetchText(location: string, trustedOrigin: string | undefined, options: LoadOptions): Promise<string> {
  if (!isUrl(location)) {
    try {
      return await readFile(location, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? 'the file does not exist' : `${code ?? (error as Error).message}`);
    }
  }
  const headers: Record<string, string> = { accept: 'text/xml, application/xml, */*' };
  // Credentials go only to the origin the user gave them for, never to a host an import names.
  if (options.auth && new URL(location).origin === trustedOrigin) {
    const token = Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  let response: Response;
  try {
    response = await fetch(location, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const reason = (error as Error).name === 'TimeoutError' ? 'no answer in time' : cause ?? (error as Error).message;
    throw new Error(`the request failed (${reason})`);
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `the server answered HTTP ${response.status}: ${options.auth ? 'the credentials in wsdlAuth were refused' : 'it needs credentials (set wsdlAuth)'}`,
    );
  }
  if (response.status < 200 || response.status > 299) throw new Error(`the server answered HTTP ${response.status}`);
  return text;
}

export type { SchemaLocation };
