import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { buildGraph } from '../../src/graph/index.js';
import { causeClass } from '../../corpus/lib/classify.js';
import { packageFolder } from '../../corpus/lib/package-folder.js';
import { packageFile } from '../helpers/npm-fixtures.js';

// A fixed slice of the corpus (corpus/slice.json, chosen from a `npm run corpus` run): every
// failure class the run found and a spread of passing documents, each imported and checked
// as corpus/lib/check-document.js does. An outcome that changes fails here: a regression
// (FedEx Ship v19 failing `skein check` again), or a fix, which shows as an expectation to
// update in slice.json (and a new corpus run).

interface SliceEntry {
  readonly corpus: 'openapi' | 'wsdl';
  readonly spec: string;
  readonly path: string;
  /** "pass", or the cause class of its failure as corpus/RESULTS.md groups it. */
  readonly expect: string;
}

function firstError(error: unknown): string {
  const e = error as { name?: string; errors?: unknown[]; format?: () => string; message?: string };
  if (e?.name === 'SchemaErrors' && Array.isArray(e.errors) && e.errors.length > 0) return firstError(e.errors[0]);
  if (typeof e?.format === 'function') return e.format();
  return e instanceof Error ? e.message : String(error);
}

async function outcome(entry: SliceEntry, file: string): Promise<string> {
  let stage = 'import';
  try {
    const sdl =
      entry.corpus === 'openapi'
        ? (await importOpenAPI(file, { source: 'corpus', validate: true })).sdl
        : (await importWsdl({ location: file, source: 'corpus', wsdlArgument: path.basename(file) })).sdl;
    stage = 'check';
    const graph = await buildGraph({ sources: [{ path: path.join(path.dirname(file), 'corpus.graphql'), text: sdl, documents: { folder: packageFolder(file) } }], composites: [] }, { onSourceError: 'fail' });
    await graph.close();
    return 'pass';
  } catch (error) {
    const message = firstError(error).split(path.dirname(file) + path.sep).join('');
    return `${stage}: ${causeClass(message)}`;
  }
}

describe('corpus slice', () => {
  const entries = (JSON.parse(readFileSync('corpus/slice.json', 'utf8')) as { documents: SliceEntry[] }).documents;

  it('covers both corpora and FedEx Ship v19', () => {
    expect(entries.some((e) => e.corpus === 'openapi')).toBe(true);
    expect(entries.some((e) => e.corpus === 'wsdl')).toBe(true);
    expect(entries.some((e) => e.path.endsWith('ShipService_v19.wsdl'))).toBe(true);
  });

  for (const entry of entries) {
    it(`${entry.spec} ${entry.path}: ${entry.expect}`, async () => {
      const file = packageFile(entry.spec, entry.path);
      expect(await outcome(entry, file)).toBe(entry.expect);
    });
  }
});
