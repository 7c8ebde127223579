import path from 'node:path';
import type { Command } from 'commander';
import type { GraphQLImport } from '../../sources/graphql/importer/import-graphql.js';
import { reportFailure } from '../report.js';
import { commaList, count, seconds } from '../format.js';
import { saveAndCheckSdl } from './imported-sdl.js';

interface ImportGraphQLOptions {
  source: string;
  out?: string;
  url?: string;
  prefix?: string;
  federation?: boolean;
  query?: string[];
  mutation?: string[];
  header?: string[];
}

const HELP_AFTER = `
Every Query and Mutation field becomes a root field with @graphql(source:), which forwards the
client's selection under it (only what was asked, with its fragments, variables and aliases);
root fields asked of one source in one request go out as one operation. The types are written
as the API has them; --prefix renames them (the upstream names are kept with @wire).

A URL is asked for _service { sdl } first: a federation subgraph answers it, and its @key types
become @entity types (resolved through _entities, batched per request). Import every subgraph
into its own file: the files declare the same entity, each with its own fields. Otherwise the
URL is introspected; where introspection is turned off, export the SDL and import that file
with --url for the endpoint. Subscription fields are kept and forwarded as subscriptions
(over graphql-ws by default; see subscriptionUrl and subscriptionProtocol on @source).
@requires fields are left out and listed.

Examples:
  skein import graphql https://api.internal/graphql --source catalog
  skein import graphql https://reviews.internal/graphql --source reviews      # a subgraph
  skein import graphql schema.graphql --source github --url https://api.github.com/graphql --prefix Gh
`;

/** `skein import graphql <url-or-file> --source <name> [--out <file>]` */
export function registerImportGraphQL(parent: Command): void {
  parent
    .command('graphql')
    .description('Generate source SDL with a @graphql field for every root field of a GraphQL API or federation subgraph.')
    .argument('<url-or-file>', "the API's http(s) URL (introspected, or asked _service { sdl }), or an SDL file")
    .requiredOption('-s, --source <name>', 'name of the @source the generated fields call')
    .option('-o, --out <file>', 'file to write, or "-" for standard output (default: schema/sources/<name>.graphql)')
    .option('--url <endpoint>', 'the GraphQL endpoint to write on @source (default: the URL imported from)')
    .option('--prefix <prefix>', 'put before every type and root field name, to keep two APIs apart (Gh → GhRepository, ghRepository); entity types keep theirs')
    .option('--federation', 'the API must be a federation subgraph (answer _service { sdl })')
    .option('--query <fields>', 'comma-separated upstream root fields to put on Query', commaList)
    .option('--mutation <fields>', 'comma-separated upstream root fields to put on Mutation', commaList)
    .option('-H, --header <name:value>', 'a header for the introspection request (repeatable)', (value: string, all: string[] = []) => [...all, value])
    .addHelpText('after', HELP_AFTER)
    .action(async (location: string, options: ImportGraphQLOptions) => {
      try {
        const started = performance.now();
        const { SchemaError } = await import('../../errors/schema-error.js');
        if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.source)) {
          throw new SchemaError(`--source "${options.source}" must start with a letter and use letters, digits, _ or -`);
        }
        if (options.url !== undefined && !/^https?:\/\//.test(options.url)) throw new SchemaError(`--url "${options.url}" must start with http:// or https://`);
        if (options.prefix !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.prefix)) {
          throw new SchemaError(`--prefix "${options.prefix}" must be a GraphQL name: a letter, then letters, digits or _`);
        }
        const headers: Record<string, string> = {};
        for (const header of options.header ?? []) {
          const colon = header.indexOf(':');
          if (colon < 1) throw new SchemaError(`--header "${header}" must be name:value`);
          headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
        }
        const { importGraphQL } = await import('../../sources/graphql/importer/import-graphql.js');
        const out = options.out ?? path.join('schema', 'sources', `${options.source}.graphql`);
        const result = await importGraphQL({
          location,
          source: options.source,
          url: options.url,
          prefix: options.prefix,
          federation: options.federation ? true : undefined,
          queries: options.query,
          mutations: options.mutation,
          headers,
        });
        const importMs = performance.now() - started;
        if (!/^https?:\/\//i.test(location) && !options.url) {
          console.error('  note: an SDL file does not say where the API answers: give the endpoint with --url, or set url on the @source');
        }
        // Without a url (an SDL file and no --url) there is nothing to build against yet.
        const buildMs = await saveAndCheckSdl(result.sdl, out, result.sdl.includes('url:'));
        if (out === '-') process.stdout.write(result.sdl);
        printSummary(location, out, result, importMs, buildMs);
      } catch (error) {
        reportFailure(error);
      }
    });
}

// The summary goes to stderr when the SDL itself goes to stdout, so the two never mix.
function printSummary(location: string, out: string, result: GraphQLImport, importMs: number, buildMs: number): void {
  const log = out === '-' ? console.error : console.log;
  log(
    `${location} (${result.federation ? 'federation subgraph' : 'GraphQL API'}, read by ${result.via}): ` +
      `${count(result.queries, 'Query field')}, ${count(result.mutations, 'Mutation field')}, ${result.subscriptions > 0 ? `${count(result.subscriptions, 'Subscription field')}, ` : ''}${count(result.types, 'type')}` +
      `${result.entities.length > 0 ? `, entities ${result.entities.join(', ')}` : ''} → ${out === '-' ? 'standard output' : out}`,
  );
  log(`  ${seconds(importMs)} to read the schema and write the SDL, ${seconds(buildMs)} to check that it builds`);
  if (result.leftOut.length > 0) {
    log(`  ${result.leftOut.length} left out:`);
    for (const item of result.leftOut) log(`    ${item.name}: ${item.reason}`);
  }
}
