import path from 'node:path';
import { parse } from 'graphql';
import { bundle } from '@readme/openapi-parser';
import { SchemaError, throwIfAny } from '../../../errors/schema-error.js';
import type { NameClassification } from '../../classify-operation.js';
import { DocumentRefused, resolveDocument, type DocumentScope } from '../../document-scope.js';
import { sourcesSDL } from '../../index.js';
import { readApiDescription, specVersionOf, type Note, type SpecVersion } from './api-description.js';
import { loadDocument, type LoadedDocument } from './load-document.js';
import { operationFields, type RootSelection } from './operation-fields.js';
import { printSourceFile } from './print-sdl.js';
import { headerLines, sourceUrl } from './source-header.js';
import { resolvePointer, segmentsOf } from './json-pointer.js';
import { checkReferences, follow } from './references.js';
import { ShapeReader } from './schema-shape.js';
import { TypeMapper } from './type-mapper.js';
import { validateDocument } from './validate-document.js';
import type { ImportWarning } from './import-warnings.js';

export interface OpenAPIImportOptions extends RootSelection {
  /** Name of the `@source` the fields call. */
  readonly source: string;
  /** Base URL of the API; by default the document's first server (or host and basePath). */
  readonly url?: string;
  /**
   * Put before every generated type and root field name, to keep two imported APIs apart
   * (`Gh` → `GhRepository`, `ghReposGet`).
   */
  readonly prefix?: string;
  /**
   * The document's text, when it does not come from `location` (an upload to the registry):
   * `location` then names it in messages and in the file's header, and relative `$ref`s
   * into other files resolve against it.
   */
  readonly text?: string;
  /** Check the document against the OpenAPI schema first (default true). */
  readonly validate?: boolean;
  /**
   * Refuse a document that is not valid OpenAPI (SchemaErrors naming each problem), as
   * `--strict` asks. By default such a document imports, each problem a warning.
   */
  readonly strict?: boolean;
  /**
   * Where `$ref`s into other documents may point. Default `'anywhere'`: the operator's own
   * shell (`skein import openapi`). Any other scope (an admin upload passes `'urls'`)
   * allows only what `resolveDocument` allows, and never reads a local file while bundling.
   */
  readonly documents?: DocumentScope;
  /** Told when each step starts, so a terminal can show progress on big documents. */
  readonly onProgress?: (step: ImportStep, detail: string) => void;
}

export type ImportStep = 'read' | 'references' | 'validate' | 'map' | 'print';

/** What an import produced. */
export interface OpenAPIImport {
  /** The source file: `@source`, Query and Mutation with `@rest`, the types. */
  readonly sdl: string;
  readonly specVersion: SpecVersion;
  readonly title: string;
  readonly queries: number;
  readonly mutations: number;
  /** POST operations that their names put on Query (`DescribeInstances` → Query, Describe), for the author to check. */
  readonly classified: readonly NameClassification[];
  /** Named types written (objects, inputs, enums, unions). */
  readonly types: number;
  /** Operations left out, with the reason. */
  readonly skipped: readonly Note[];
  /** Imported with a caveat. */
  readonly notes: readonly Note[];
  /** What is not valid OpenAPI in the document, where, and what the import made of it. */
  readonly warnings: readonly ImportWarning[];
  /** Milliseconds spent in each step. */
  readonly timings: Readonly<Record<ImportStep, number>>;
}

/**
 * Imports an OpenAPI document (Swagger 2.0, OpenAPI 3.0 or 3.1; JSON or YAML; a file or
 * an http(s) URL) as Skein source SDL. A document that does not parse, has a dangling
 * `$ref` or is not valid OpenAPI is a SchemaError (SchemaErrors for several) naming the
 * file and, where the text allows, the line and column.
 */
export async function importOpenAPI(location: string, options: OpenAPIImportOptions): Promise<OpenAPIImport> {
  const timings: Record<ImportStep, number> = { read: 0, references: 0, validate: 0, map: 0, print: 0 };
  const step = async <T>(name: ImportStep, detail: string, work: () => T | Promise<T>): Promise<T> => {
    options.onProgress?.(name, detail);
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] += Math.round(performance.now() - started);
    }
  };

  const document = await step('read', `reading ${location}`, () => loadDocument(location, { text: options.text }));
  const checked = await step('references', 'checking references', () => ({
    version: versionOf(document),
    external: checkReferences(document).external,
  }));
  let value = document.value;
  if (checked.external.length > 0) {
    const scope = options.documents ?? 'anywhere';
    value = await step('references', 'bundling referenced files', () => bundleExternal(document, checked.external, scope));
  }
  const warnings: ImportWarning[] = [];
  if (options.validate !== false) {
    const strict = options.strict === true;
    warnings.push(...(await step('validate', `validating against OpenAPI ${checked.version}`, () => validateDocument(document, value, checked.version, strict))));
  }

  const mapped = await step('map', 'mapping operations and schemas', () => {
    const description = readApiDescription(value);
    const repaired = description.repairs.map((repair) => ({
      location: document.locate(repair.at) ?? { file: document.name, line: 1, column: 1 },
      message: repair.message,
    }));
    if (options.strict && repaired.length > 0) throwIfAny(repaired.map((r) => new SchemaError(`${r.message} (without --strict it imports with a warning)`, r.location)));
    warnings.push(...repaired);
    const notes = [...description.notes];
    const named = namesOfExternals(value, checked.external, description.componentSchemas);
    const types = new TypeMapper(new ShapeReader(value, named), named, {
      typePrefix: options.prefix,
      reserved: reservedTypeNames(),
    });
    let fields;
    try {
      fields = operationFields(description.operations, types, { ...options, fieldPrefix: options.prefix }, notes);
    } catch (error) {
      throw new SchemaError(`${document.name}: ${(error as Error).message}`);
    }
    return { description, notes, fields, types: types.definitions };
  });

  const { description, notes, fields, types } = mapped;
  const url = sourceUrl(options.url, description, document, notes);
  const sdl = await step('print', 'writing SDL', () =>
    printSourceFile({
      header: headerLines(document.name, description, options.source),
      source: { name: options.source, url },
      fields,
      types,
    }),
  );
  return {
    sdl,
    specVersion: description.specVersion,
    title: description.title,
    queries: fields.filter((f) => f.root === 'Query').length,
    mutations: fields.filter((f) => f.root === 'Mutation').length,
    classified: fields.flatMap((f) => (f.classifiedBy ? [{ ...f.classifiedBy, root: f.root }] : [])),
    types: types.length,
    skipped: description.skipped,
    notes,
    warnings: sortedByPlace(warnings),
    timings,
  };
}

function sortedByPlace(warnings: readonly ImportWarning[]): ImportWarning[] {
  return [...warnings].sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
}

function versionOf(document: LoadedDocument): SpecVersion {
  try {
    return specVersionOf(document.value);
  } catch (error) {
    const key = 'swagger' in document.value ? 'swagger' : 'openapi';
    throw new SchemaError((error as Error).message, document.locate([key]) ?? { file: document.name, line: 1, column: 1 });
  }
}

/**
 * References into other files are resolved by the OpenAPI library, which inlines them.
 * Outside the operator's shell each is first let through the one door for documents, and
 * the library may not read local files at all (a remote document could name one).
 */
async function bundleExternal(
  document: LoadedDocument,
  external: readonly { ref: string; at: readonly string[] }[],
  scope: DocumentScope,
): Promise<Record<string, unknown>> {
  if (scope !== 'anywhere') {
    for (const { ref, at } of external) {
      try {
        resolveDocument(ref.split('#')[0], document.location, scope);
      } catch (error) {
        if (!(error instanceof DocumentRefused)) throw error;
        throw new SchemaError(`$ref "${ref}" names a document Skein will not read: ${error.message}`, document.locate([...at, '$ref']) ?? { file: document.name, line: 1, column: 1 });
      }
    }
  }
  try {
    const bundled =
      scope === 'anywhere'
        ? await bundle(document.location as never)
        : await bundle(structuredClone(document.value) as never, { resolve: { file: false } });
    return bundled as unknown as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const culprit = external.find((e) => message.includes(e.ref.split('#')[0])) ?? external[0];
    throw new SchemaError(
      `$ref "${culprit.ref}" cannot be resolved: ${message}`,
      document.locate([...culprit.at, '$ref']) ?? { file: document.name, line: 1, column: 1 },
    );
  }
}

/**
 * Bundling inlines a schema from another file where it is first referenced, so it loses
 * its name; `other.yaml#/Pet` gives it back (`Pet`, or the file's name for a whole file).
 */
function namesOfExternals(
  value: Record<string, unknown>,
  external: readonly { ref: string; at: readonly string[] }[],
  components: ReadonlyMap<object, string>,
): ReadonlyMap<object, string> {
  if (external.length === 0) return components;
  const names = new Map(components);
  for (const { ref, at } of external) {
    const found = resolvePointer(value, at);
    const target = found.found ? follow(value, found.value).value : undefined;
    if (target === null || typeof target !== 'object' || names.has(target)) continue;
    const [file, fragment = ''] = ref.split('#');
    const name = segmentsOf(`#${fragment}`)?.at(-1) || path.basename(file).replace(/\.[^.]*$/, '');
    if (name) names.set(target, name);
  }
  return names;
}

let reserved: Set<string> | undefined;

/** Type names generated types must not take: GraphQL's scalars, the roots, Skein's own SDL. */
function reservedTypeNames(): Set<string> {
  if (!reserved) {
    reserved = new Set(['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID']);
    for (const definition of parse(sourcesSDL()).definitions) {
      if ('name' in definition && definition.name && definition.kind !== 'DirectiveDefinition') reserved.add(definition.name.value);
    }
  }
  return reserved;
}
