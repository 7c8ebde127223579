import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { count } from '../format.js';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection, type UploadedFile } from './admin/client.js';

interface SourceAnswer {
  result: { name: string; kind: string; version: number; state: string; url: string | null; operations: string[] };
}

const FIELDS = 'name kind version state url operations';

/**
 * `skein source add <file>` (source SDL), `skein source add --openapi <doc> --name n`,
 * `skein source add --wsdl <file> --name n`, `skein source add --graphql <url|file> --name n`,
 * `skein source remove <name>`: sources of a
 * running gateway. Every change is checked against what it serves before it is stored.
 * An OpenAPI document or WSDL is imported here first, with the importers of `skein
 * import`, so that its errors name the user's file (the gateway only sees its text);
 * the gateway then imports the same text again and stores the source. A GraphQL API is
 * introspected (or asked `_service { sdl }`) from this machine, and the SDL written from it
 * is what the gateway stores: a gateway never fetches a schema from a URL a client names.
 */
export function registerSource(program: Command): void {
  const source = program.command('source').description("Register, update or remove a running gateway's sources.");
  withConnection(
    source
      .command('add')
      .description('Register a source, or store a new version of it: from source SDL, an OpenAPI document, a WSDL or a GraphQL API.')
      .argument('[file]', 'source SDL declaring one @source (a relative wsdl: file is uploaded with it)')
      .option('--openapi <file>', 'an OpenAPI 2.0/3.x document (JSON or YAML) to import')
      .option('--wsdl <file>', 'a WSDL to import (stored with the source)')
      .option('--graphql <url-or-file>', "a GraphQL API or federation subgraph to import (its URL, or an SDL file with --url); its SDL is read here and uploaded")
      .option('-n, --name <name>', 'the source name (required with --openapi, --wsdl and --graphql)')
      .option('--url <url>', 'base URL or endpoint to write into an imported @source')
      .option('--strict', 'refuse an OpenAPI document that is not valid OpenAPI (by default it imports, each problem a warning)'),
  ).action(async (file: string | undefined, options: { openapi?: string; wsdl?: string; graphql?: string; name?: string; url?: string; strict?: boolean; gateway: string; token?: string }) => {
    try {
      const given = [file, options.openapi, options.wsdl, options.graphql].filter(Boolean).length;
      if (given !== 1) throw new Error('give exactly one of <file>, --openapi <file>, --wsdl <file> or --graphql <url-or-file>');
      const { readSourceHeader, sourcePath } = await import('../../registry/documents.js');
      const { uploadedSource } = await import('./admin/uploaded-files.js');
      const input: Record<string, unknown> = { name: options.name, url: options.url };
      let uploaded: UploadedFile[];
      if (file) {
        const sdl = await readFile(file, 'utf8');
        input.sdl = sdl;
        const { name, wsdlFile } = readSourceHeader(sdl, file);
        if (wsdlFile) input.attachments = [{ path: wsdlFile, text: await readFile(path.resolve(path.dirname(file), wsdlFile), 'utf8') }];
        uploaded = uploadedSource(name, file);
      } else {
        const name = options.name;
        if (!name) throw new Error(`--name is required with ${options.openapi ? '--openapi' : options.wsdl ? '--wsdl' : '--graphql'}: the name of the @source the imported fields call`);
        if (options.graphql) {
          // The schema is read here (introspection, _service { sdl } or the file), never by the gateway; the gateway imports it.
          const { loadUpstreamSDL } = await import('../../sources/graphql/importer/load-upstream-sdl.js');
          const upstream = await loadUpstreamSDL(options.graphql);
          const url = options.url ?? (/^https?:\/\//i.test(options.graphql) ? options.graphql : undefined);
          if (!url) throw new Error(`--url is required with an SDL file: the GraphQL endpoint the gateway sends "${name}" its operations to`);
          Object.assign(input, { graphql: upstream.sdl, url, federation: upstream.federation });
        } else if (options.openapi) {
          const { importOpenAPI } = await import('../../sources/rest/openapi/index.js');
          const { formatWarning } = await import('../../sources/rest/openapi/import-warnings.js');
          const imported = await importOpenAPI(options.openapi, { source: name, url: options.url, strict: options.strict });
          // The gateway imports the same text again; its warnings are these, named here by the user's file.
          for (const warning of imported.warnings) console.error(formatWarning(warning));
          input.openapi = await readFile(options.openapi, 'utf8');
          if (options.strict) input.strict = true;
        } else {
          const { importWsdl } = await import('../../sources/soap/importer/import-wsdl.js');
          await importWsdl({ location: options.wsdl!, source: name, wsdlArgument: `${name}.wsdl`, url: options.url });
          input.wsdl = await readFile(options.wsdl!, 'utf8');
        }
        // What still goes wrong is in the SDL the gateway generated and keeps under the source's name.
        uploaded = uploadedSource(name, sourcePath(name));
      }
      const { result } = await adminRequest<SourceAnswer>(
        connectionOf(options),
        `mutation($input: SourceInput!) { result: registerSource(input: $input) { ${FIELDS} } }`,
        { input },
        uploaded,
      );
      console.log(`source ${result.name} (${result.kind}): v${result.version}, ${result.state.toLowerCase()}, ${result.url ?? 'no URL'}`);
      console.log(`  ${count(result.operations.length, 'operation')}: ${result.operations.join(', ')}`);
    } catch (error) {
      reportFailure(error);
    }
  });
  withConnection(
    source
      .command('remove')
      .description('Remove a source (its history stays); refused while a served composite needs it.')
      .argument('<name>', 'the source'),
  ).action(async (name: string, options: { gateway: string; token?: string }) => {
    try {
      const { result } = await adminRequest<SourceAnswer>(connectionOf(options), `mutation($name: String!) { result: removeSource(name: $name) { ${FIELDS} } }`, {
        name,
      });
      console.log(`source ${result.name}: ${result.state.toLowerCase()} (v${result.version} kept in its history)`);
    } catch (error) {
      reportFailure(error);
    }
  });
}
