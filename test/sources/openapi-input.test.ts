import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/errors/schema-error.js';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { skein } from '../helpers/cli.js';

const FIXTURES = 'test/fixtures/openapi';
const fixture = (name: string) => path.join(FIXTURES, name);

/** The located error an import fails with, formatted as the CLI prints it. */
async function failure(file: string): Promise<string> {
  try {
    await importOpenAPI(file, { source: 'x' });
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return (error as SchemaError).format();
  }
  throw new Error(`importing ${file} did not fail`);
}

describe('OpenAPI import: documents that cannot be imported', () => {
  it('names file, line and column of a JSON syntax error', async () => {
    expect(await failure(fixture('broken-syntax.json'))).toBe(
      `${fixture('broken-syntax.json')}:4:3: not valid JSON: expected "," before the next item, found '"paths": {}'`,
    );
  });

  it('names file, line and column of a YAML syntax error', async () => {
    expect(await failure(fixture('broken-syntax.yaml'))).toBe(
      `${fixture('broken-syntax.yaml')}:3:10: not valid YAML: Nested mappings are not allowed in compact mappings`,
    );
  });

  it('points at a dangling $ref in JSON, with its JSON pointer and what is missing', async () => {
    expect(await failure(fixture('dangling-ref.json'))).toBe(
      `${fixture('dangling-ref.json')}:10:68: $ref "#/components/schemas/Pets" at ` +
        '#/paths/~1pets/get/responses/200/content/application~1json/schema points to nothing: #/components/schemas has no "Pets"',
    );
  });

  it('points at a dangling $ref in YAML', async () => {
    expect(await failure(fixture('dangling-ref.yaml'))).toBe(
      `${fixture('dangling-ref.yaml')}:14:25: $ref "#/components/schemas/Pet" at ` +
        '#/paths/~1pets/get/responses/200/content/application~1json/schema/items points to nothing: #/components has no "schemas"',
    );
  });

  it('says what a document that is not OpenAPI is instead', async () => {
    expect(await failure(fixture('not-openapi.json'))).toBe(
      `${fixture('not-openapi.json')}:1:1: not an OpenAPI document: expected a top-level "openapi: 3.x" or "swagger: 2.0", found keys "asyncapi", "info"`,
    );
  });

  it('points at what the OpenAPI schema rejects, in the file as written, when strict', async () => {
    const refused = await importOpenAPI(fixture('invalid-document.yaml'), { source: 'x', strict: true }).catch((e: SchemaError) => e);
    expect((refused as SchemaError).format()).toBe(
      `${fixture('invalid-document.yaml')}:10:19: not a valid OpenAPI 3.0 document: must be equal to one of the allowed values ` +
        '(array, boolean, integer, number, object, string) (Did you mean integer here?) (without --strict it imports with a warning)',
    );
    const anyway = await importOpenAPI(fixture('invalid-document.yaml'), { source: 'x', validate: false });
    expect(anyway.queries).toBe(1);
  });

  it('points at a $ref into another file that cannot be read', async () => {
    const message = await failure(fixture('external-missing.yaml'));
    expect(message).toMatch(/^test\/fixtures\/openapi\/external-missing\.yaml:15:31: \$ref "\.\/missing-file\.yaml#\/Pet" cannot be resolved: /);
    expect(message).toContain('missing-file.yaml');
  });

  it('says when a file is missing', async () => {
    expect(await failure(fixture('no-such-file.json'))).toBe(`cannot read ${fixture('no-such-file.json')}: no such file`);
  });
});

describe('OpenAPI import: a document split across files', () => {
  it('bundles schemas from other files, keeping the name the reference gives them', async () => {
    const imported = await importOpenAPI(fixture('external-root.yaml'), { source: 'split' });
    expect(imported.sdl).toContain('getPet(id: String!): Pet\n');
    expect(imported.sdl).toContain('type Pet {\n  name: String!\n  owner: PetOwner\n}');
  });
});

describe('OpenAPI import: from text (an upload)', () => {
  it('imports text it is given, naming it as told, and places errors in it', async () => {
    const text = readFileSync(fixture('mapping-rules.yaml'), 'utf8');
    const imported = await importOpenAPI('zoo.yaml', { source: 'zoo', text });
    expect(imported.sdl).toContain('# Imported by `skein import openapi` from zoo.yaml: Mapping rules 1.0 (OpenAPI 3.1).');
    await expect(importOpenAPI('upload.json', { source: 'x', text: '{\n  "openapi": "3.0.3",\n  "info": {}}}' })).rejects.toThrow(
      'not valid JSON: expected the end of the document after the top-level value',
    );
    const broken = await importOpenAPI('upload.json', { source: 'x', text: '{"openapi": "3.0.3" "info": {}}' }).catch((e: SchemaError) => e);
    expect((broken as SchemaError).format()).toMatch(/^upload\.json:1:21: not valid JSON/);
  });
});

describe('OpenAPI import: from an http URL', () => {
  let server: RecordingUpstream;
  beforeAll(async () => {
    server = await startRecordingUpstream({
      'GET /specs/zoo.yaml': { body: readFileSync(fixture('mapping-rules.yaml'), 'utf8'), headers: { 'content-type': 'application/yaml' } },
      'GET /specs/relative.json': {
        json: {
          openapi: '3.0.3',
          info: { title: 'Relative', version: '1' },
          servers: [{ url: '/api/v1' }],
          paths: { '/ping': { get: { operationId: 'ping', responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'string' } } } } } } } },
        },
      },
    });
  });
  afterAll(() => server.close());

  it('reads YAML from a URL', async () => {
    const imported = await importOpenAPI(`${server.url}/specs/zoo.yaml`, { source: 'zoo' });
    expect(imported.sdl).toContain('getAnimal(');
    expect(imported.sdl).toBe((await importOpenAPI(fixture('mapping-rules.yaml'), { source: 'zoo' })).sdl.replace(fixture('mapping-rules.yaml'), `${server.url}/specs/zoo.yaml`));
  });

  it('resolves a relative server URL against the URL of the document', async () => {
    const imported = await importOpenAPI(`${server.url}/specs/relative.json`, { source: 'rel' });
    expect(imported.sdl).toContain(`@source(name: "rel", kind: REST, url: "${server.url}/api/v1")`);
  });

  it('says what the server answered when the document cannot be downloaded', async () => {
    await expect(importOpenAPI(`${server.url}/specs/missing.json`, { source: 'x' })).rejects.toThrow(
      `cannot download ${server.url}/specs/missing.json: the server answered HTTP 404`,
    );
  });
});

describe('skein import openapi', () => {
  it('writes SDL that `skein check` accepts as it is, and prints a summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-import-'));
    const out = path.join(dir, 'sources', 'zoo.graphql');
    const imported = await skein('import', 'openapi', fixture('mapping-rules.yaml'), '--source', 'zoo', '--out', out);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`${fixture('mapping-rules.yaml')} (OpenAPI 3.1, "Mapping rules"): 8 operations (6 Query, 2 Mutation), 16 types → ${out}`);
    // The two POSTs whose names read are on Query, and the summary says so.
    expect(imported.stdout).toContain('  classified by name: get_user → Query (get), search → Query (search)\n');
    expect(imported.stdout).toMatch(/s in all: read .* build check/);
    expect(existsSync(out)).toBe(true);
    const checked = await skein('check', '--schema', dir);
    expect(checked.stderr).toBe('');
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.stdout).toContain('ok (1 source, 8 operations');
  });

  it('writes to standard output with --out -, the summary going to stderr', async () => {
    const result = await skein('import', 'openapi', fixture('mapping-rules.yaml'), '--source', 'zoo', '--out', '-', '--mutation', 'search');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Imported by `skein import openapi`/);
    expect(result.stdout).toContain('search(input: SearchInput): SearchResponse');
    expect(result.stderr).toContain('8 operations (5 Query, 3 Mutation)');
    // --mutation wins over the name, and what a flag placed is not listed as classified by name.
    expect(result.stderr).toContain('  classified by name: get_user → Query (get)\n');
  });

  it('exits non-zero with file:line:column and no stack trace for a document that does not parse', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'skein-import-')), 'x.graphql');
    for (const [file, position] of [['broken-syntax.json', '4:3'], ['broken-syntax.yaml', '3:10'], ['dangling-ref.json', '10:68']]) {
      const result = await skein('import', 'openapi', fixture(file), '--source', 'x', '--out', out);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith(`${fixture(file)}:${position}: `)).toBe(true);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('rejects a source name @source would reject, and documents itself in --help', async () => {
    const bad = await skein('import', 'openapi', fixture('mapping-rules.yaml'), '--source', '9lives');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--source "9lives" must start with a letter');
    const help = await skein('import', 'openapi', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--query <operations>');
    expect(help.stdout).toContain('--mutation <operations>');
    expect(help.stdout).toContain('GET and HEAD on Query');
  });
});
