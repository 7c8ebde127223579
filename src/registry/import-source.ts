import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchemaError, SchemaErrors } from '../errors/schema-error.js';
import { importOpenAPI } from '../sources/rest/openapi/index.js';
import { importWsdl } from '../sources/soap/importer/import-wsdl.js';
import { importGraphQL } from '../sources/graphql/importer/import-graphql.js';
import { RegistryError } from './errors.js';
import type { SourceInput } from './registry.js';

export interface DescribedSource {
  readonly name: string;
  /** An OpenAPI 2.0/3.x document, JSON or YAML. */
  readonly openapi?: string;
  /** A WSDL document (self-contained: relative imports are not uploaded with it). */
  readonly wsdl?: string;
  /** A GraphQL API's SDL (a subgraph's `_service { sdl }` included); needs `url`. */
  readonly graphql?: string;
  /** With `graphql`: insist on a federation subgraph (true) or a plain API (false); detected when absent. */
  readonly federation?: boolean;
  /** Base URL or endpoint to write into the generated `@source`. */
  readonly url?: string;
  /** Refuse an OpenAPI document that is not valid OpenAPI, as `--strict` does; by default it imports with warnings. */
  readonly strict?: boolean;
}

/**
 * Turns an uploaded API description (OpenAPI, WSDL, a GraphQL API's SDL) into source SDL
 * with the importers `skein import` uses. A WSDL is kept with the SDL as an attachment, `<name>.wsdl`, which the SDL's
 * `@source(wsdl:)` names, so every gateway can read it.
 */
export async function sourceFromDescription(input: DescribedSource): Promise<SourceInput> {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(input.name)) {
    throw new RegistryError('BAD_INPUT', `source name "${input.name}" must start with a letter and use letters, digits, _ or -`);
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'skein-import-'));
  try {
    if (input.openapi !== undefined) {
      const file = path.join(folder, /^\s*[{[]/.test(input.openapi) ? `${input.name}.json` : `${input.name}.yaml`);
      await writeFile(file, input.openapi);
      const result = await located(() => importOpenAPI(file, { source: input.name, url: input.url, strict: input.strict, documents: 'urls' }), 'the OpenAPI document');
      return { name: input.name, sdl: result.sdl, origin: 'openapi' };
    }
    if (input.wsdl !== undefined) {
      const wsdlFile = `${input.name}.wsdl`;
      const file = path.join(folder, wsdlFile);
      await writeFile(file, input.wsdl);
      const result = await located(
        // An upload is one document: what it imports can come from http(s) URLs only, never from this machine.
        () => importWsdl({ location: file, source: input.name, wsdlArgument: wsdlFile, url: input.url, documents: 'urls' }),
        'the WSDL',
      );
      return { name: input.name, sdl: result.sdl, origin: 'wsdl', attachments: { [wsdlFile]: input.wsdl } };
    }
    if (input.graphql !== undefined) {
      if (!input.url) throw new RegistryError('BAD_INPUT', `a GraphQL source needs url: the endpoint the gateway sends "${input.name}" its operations to`);
      const location = `the GraphQL SDL uploaded for "${input.name}"`;
      const result = await located(() => importGraphQL({ location, text: input.graphql, source: input.name, url: input.url, federation: input.federation }), 'the GraphQL SDL');
      return { name: input.name, sdl: result.sdl, origin: 'graphql' };
    }
    throw new RegistryError('BAD_INPUT', 'give the source as sdl, openapi, wsdl or graphql');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Runs an importer; its errors become a BAD_INPUT naming the document, not a temporary file. */
async function located<T>(run: () => Promise<T>, what: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const errors = error instanceof SchemaErrors ? error.errors : error instanceof SchemaError ? [error] : undefined;
    const lines = errors
      ? errors.map((e) => (e.location ? `line ${e.location.line}, column ${e.location.column}: ${e.message}` : e.message))
      : [(error as Error).message];
    throw new RegistryError('BAD_INPUT', `${what} could not be imported: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`, lines);
  }
}
