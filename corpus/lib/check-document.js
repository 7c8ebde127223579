// One corpus document through what `skein import openapi|wsdl` and `skein check` do, in
// process: the importer, then the graph built from the generated SDL (onSourceError: 'fail').
import path from 'node:path';
import { importOpenAPI } from '../../dist/sources/rest/openapi/index.js';
import { importWsdl } from '../../dist/sources/soap/importer/import-wsdl.js';
import { buildGraph } from '../../dist/graph/index.js';
import { causeClass } from './classify.js';
import { packageFolder } from './package-folder.js';
import { ROUND_TRIPS } from './round-trips.js';

/** The first error of a failure as the CLI prints it (a located schema error as file:line:column: message). */
export function firstError(error) {
  if (error && error.name === 'SchemaErrors' && Array.isArray(error.errors) && error.errors.length > 0) return firstError(error.errors[0]);
  if (error && typeof error.format === 'function') return error.format();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A round trip's outcome as RESULTS.md reports it: counts and the first failures. */
function roundTripSummary(trip) {
  return {
    operations: trip.operations,
    passed: trip.passed,
    failures: trip.failures.slice(0, 3).map((f) => `${f.operation} (${f.stage}): ${String(f.message).split('\n')[0].slice(0, 300)}`),
    ...(trip.envelopes ? { envelopes: { validated: trip.envelopes.validated, valid: trip.envelopes.valid, notValidatable: trip.envelopes.notValidatable } } : {}),
  };
}

/** A passing document's round trip, summarised; undefined for a corpus that has none. */
export async function roundTripDocument({ corpus, file }) {
  return ROUND_TRIPS[corpus] ? roundTripSummary(await ROUND_TRIPS[corpus](file)) : undefined;
}

/** { ok, stage, error?, cause?, ms, warnings, operations } for one { corpus, file }. */
export async function checkDocument({ corpus, file }) {
  const started = performance.now();
  let stage = 'import';
  let warnings = 0;
  let operations = 0;
  try {
    let sdl;
    if (corpus === 'openapi') {
      const result = await importOpenAPI(file, { source: 'corpus', validate: true });
      sdl = result.sdl;
      warnings = result.warnings.length;
      operations = result.queries + result.mutations;
    } else {
      const result = await importWsdl({ location: file, source: 'corpus', wsdlArgument: path.basename(file) });
      sdl = result.sdl;
      operations = result.operations.length;
    }
    stage = 'check';
    // The SDL file sits beside the WSDL, as `skein import wsdl` run in that folder writes it.
    const sdlPath = path.join(path.dirname(file), 'corpus.graphql');
    const documents = { folder: packageFolder(file) };
    const graph = await buildGraph({ sources: [{ path: sdlPath, text: sdl, documents }], composites: [] }, { onSourceError: 'fail' });
    await graph.close();
    return { ok: true, stage, ms: performance.now() - started, warnings, operations };
  } catch (error) {
    const message = firstError(error).split(path.dirname(file) + path.sep).join('');
    return { ok: false, stage, error: message, cause: `${stage}: ${causeClass(message)}`, ms: performance.now() - started, warnings, operations };
  }
}
