import path from 'node:path';
import type { Command } from 'commander';
import type { Note, OpenAPIImport } from '../../sources/rest/openapi/index.js';
import { formatWarning } from '../../sources/rest/openapi/import-warnings.js';
import { formatClassifications } from '../../sources/classify-operation.js';
import { reportFailure } from '../report.js';
import { commaList, count, seconds } from '../format.js';
import { saveAndCheckSdl } from './imported-sdl.js';

interface ImportOpenAPIOptions {
  source: string;
  out?: string;
  url?: string;
  query?: string[];
  mutation?: string[];
  prefix?: string;
  validate: boolean;
  strict?: boolean;
}

const HELP_AFTER = `
Each operation becomes a root field with @rest: GET and HEAD on Query, and a POST whose
name reads (DescribeInstances, search: its operationId, else its path's last segment) too;
other methods on Mutation. The summary lists the POSTs put on Query by name; move any
operation with --query / --mutation (by operationId, field name or "METHOD /path").
Field names come from the operationId (or method and path); schemas become object types,
input types (Pet and PetInput) and enums; oneOf/anyOf of objects become unions; other
free-form values become JSON. Names that are not valid GraphQL keep their wire name with
@wire(name:). Operations @rest cannot call (file uploads, OPTIONS/TRACE) are left out and
listed. The file is meant to be read, edited and committed.

Examples:
  skein import openapi petstore.yaml --source petstore
  skein import openapi https://example.com/openapi.json --source shop --url https://shop.internal/v1
  skein import openapi api.json --source crm --query searchCustomers --mutation "GET /reports/run"
`;

/** `skein import openapi <file-or-url> --source <name> [--out <file>]` */
export function registerImportOpenAPI(parent: Command): void {
  parent
    .command('openapi')
    .description('Generate source SDL with a @rest field for every operation of an OpenAPI document.')
    .argument('<file-or-url>', 'Swagger 2.0, OpenAPI 3.0 or 3.1 document: JSON or YAML, a file or an http(s) URL')
    .requiredOption('-s, --source <name>', 'name of the @source the generated fields call')
    .option('-o, --out <file>', 'file to write, or "-" for standard output (default: schema/sources/<name>.graphql)')
    .option('--url <base-url>', "the API's base URL (default: the document's first server)")
    .option('--query <operations>', 'comma-separated operations to put on Query whatever their method', commaList)
    .option('--mutation <operations>', 'comma-separated operations to put on Mutation whatever their method', commaList)
    .option('--prefix <prefix>', 'put before every type and root field name, to keep two APIs apart (Gh → GhRepository, ghReposGet)')
    .option('--no-validate', 'skip checking the document against the OpenAPI schema')
    .option('--strict', 'refuse a document that is not valid OpenAPI (by default it imports, each problem a warning)')
    .addHelpText('after', HELP_AFTER)
    .action(async (location: string, options: ImportOpenAPIOptions) => {
      const progress = new Progress();
      try {
        const started = performance.now();
        await checkOptions(options);
        const { importOpenAPI } = await import('../../sources/rest/openapi/index.js');
        const result = await importOpenAPI(location, {
          source: options.source,
          url: options.url,
          query: options.query,
          mutation: options.mutation,
          prefix: options.prefix,
          validate: options.validate,
          strict: options.strict,
          onProgress: (_step, detail) => progress.show(detail),
        });
        const out = options.out ?? path.join('schema', 'sources', `${options.source}.graphql`);
        progress.show('checking that the SDL builds');
        const buildMs = await saveAndCheckSdl(result.sdl, out);
        progress.clear();
        if (out === '-') process.stdout.write(result.sdl);
        printSummary(location, out, result, performance.now() - started, buildMs);
      } catch (error) {
        progress.clear();
        reportFailure(error);
      }
    });
}

async function checkOptions(options: ImportOpenAPIOptions): Promise<void> {
  const { SchemaError } = await import('../../errors/schema-error.js');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.source)) {
    throw new SchemaError(`--source "${options.source}" must start with a letter and use letters, digits, _ or -`);
  }
  if (options.strict && !options.validate) {
    throw new SchemaError('--strict refuses what validation finds, so it cannot go with --no-validate: give one of them');
  }
  if (options.url !== undefined && !/^https?:\/\//.test(options.url)) {
    throw new SchemaError(`--url "${options.url}" must start with http:// or https://`);
  }
  if (options.prefix !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.prefix)) {
    throw new SchemaError(`--prefix "${options.prefix}" must be a GraphQL name: a letter, then letters, digits or _`);
  }
}

const LISTED = 20;

// The summary goes to stderr when the SDL itself goes to stdout, so the two never mix.
function printSummary(location: string, out: string, result: OpenAPIImport, totalMs: number, buildMs: number): void {
  const log = out === '-' ? console.error : console.log;
  const spec = result.specVersion === '2.0' ? 'Swagger 2.0' : `OpenAPI ${result.specVersion}`;
  const operations = result.queries + result.mutations;
  log(
    `${location} (${spec}${result.title ? `, "${result.title}"` : ''}): ${count(operations, 'operation')} ` +
      `(${result.queries} Query, ${result.mutations} Mutation), ${count(result.types, 'type')} → ${out === '-' ? 'standard output' : out}`,
  );
  const t = result.timings;
  log(
    `  ${seconds(totalMs)} in all: read ${seconds(t.read)}, references ${seconds(t.references)}, ` +
      `validate ${seconds(t.validate)}, map ${seconds(t.map)}, print ${seconds(t.print)}, build check ${seconds(buildMs)}`,
  );
  if (result.classified.length > 0) log(`  classified by name: ${formatClassifications(result.classified, LISTED)}`);
  if (result.queries === 0) {
    log('  no operation is a GET or a POST whose name reads, so every one is on Mutation (move reads with --query); the gateway still serves Query._skein');
  }
  listNotes(log, 'left out', result.skipped);
  listNotes(log, 'imported with a caveat', result.notes);
  printWarnings(log, result.warnings);
}

function listNotes(log: (line: string) => void, title: string, notes: readonly Note[]): void {
  if (notes.length === 0) return;
  log(`  ${notes.length} ${title}:`);
  for (const note of notes.slice(0, LISTED)) log(`    ${note.where}: ${note.message}`);
  if (notes.length > LISTED) log(`    … and ${notes.length - LISTED} more`);
}

/** Every warning, one per line as `file:line:column: warning: …`, so an editor can jump to each. */
function printWarnings(log: (line: string) => void, warnings: OpenAPIImport['warnings']): void {
  if (warnings.length === 0) return;
  log(`  ${count(warnings.length, 'warning')}: the document is not valid OpenAPI; fix it there (--strict refuses such documents):`);
  for (const warning of warnings) log(`    ${formatWarning(warning)}`);
}

/** One status line on a terminal, rewritten in place; nothing when stderr is not a terminal. */
class Progress {
  readonly #enabled = process.stderr.isTTY === true;
  readonly #started = performance.now();
  #shown = false;

  show(detail: string): void {
    if (!this.#enabled) return;
    const elapsed = seconds(performance.now() - this.#started);
    process.stderr.write(`\r\x1b[K${detail}… (${elapsed})`);
    this.#shown = true;
  }

  clear(): void {
    if (this.#shown) process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}
