import path from 'node:path';
import type { Command } from 'commander';
import type { WsdlImport } from '../../sources/soap/importer/import-wsdl.js';
import type { SoapVersion } from '../../sources/soap/wsdl/wsdl-model.js';
import { formatClassifications, type NameClassification } from '../../sources/classify-operation.js';
import { reportFailure } from '../report.js';
import { commaList, count, seconds } from '../format.js';
import { saveAndCheckSdl } from './imported-sdl.js';

interface ImportWsdlOptions {
  source: string;
  out?: string;
  url?: string;
  service?: string;
  port?: string;
  soapVersion?: string;
  query?: string[];
  mutation?: string[];
  wsdlUser?: string;
  wsdlPasswordEnv?: string;
}

const HELP_AFTER = `
Each operation of one SOAP port becomes a root field with @soap(operation:). A name with a
word that writes (Create, Update, Delete, Send, Process, Cancel, Solicitar…) goes on
Mutation; the others go on Query: names that read (Get, Describe, Search, FEParamGetTiposCbte,
Consultar…) and names with no verb at all (FECompUltimoAutorizado, Version). The summary
says how each was classified; move any with --query / --mutation. A document/literal wrapped request is
flattened into arguments, a response holding one element returns that element, ArrayOf
wrappers and repeated elements become lists, XSD enumerations become enums (wire values
kept with @wire), xsd:long travels as the Long scalar (a string of digits). When the WSDL
has several ports (SOAP 1.1 and 1.2), the first SOAP 1.1 port is chosen; the others are
listed. The file is meant to be read, edited and committed.

Examples:
  skein import wsdl rooms.wsdl --source rooms
  skein import wsdl https://erp.internal/Payroll.svc?wsdl --source payroll --soap-version 1.2
  skein import wsdl Ship.wsdl --source fedex --port ShipServicePort --mutation validateShipment
  SHOP_WSDL_PASSWORD=… skein import wsdl https://shop/ws?wsdl --source shop --wsdl-user me --wsdl-password-env SHOP_WSDL_PASSWORD
`;

const VERSIONS: Readonly<Record<string, SoapVersion>> = { '1.1': '1.1', '1.2': '1.2', '11': '1.1', '12': '1.2' };

/** `skein import wsdl <file-or-url> --source <name> [--out <file>]` */
export function registerImportWsdl(parent: Command): void {
  parent
    .command('wsdl')
    .description('Generate source SDL with a @soap field for every operation of a WSDL (1.1) port.')
    .argument('<file-or-url>', 'the WSDL: a file or an http(s) URL; the XSDs it imports are read too')
    .requiredOption('-s, --source <name>', 'name of the @source the generated fields call')
    .option('-o, --out <file>', 'file to write, or "-" for standard output (default: schema/sources/<name>.graphql)')
    .option('--port <name>', 'the port to import, when the WSDL has several')
    .option('--service <name>', 'the service whose port to import, when the WSDL has several')
    .option('--soap-version <1.1|1.2>', 'import the port of this SOAP version')
    .option('--url <endpoint>', "the service's endpoint (default: the port's soap:address)")
    .option('--query <operations>', 'comma-separated operations to put on Query whatever their name', commaList)
    .option('--mutation <operations>', 'comma-separated operations to put on Mutation whatever their name', commaList)
    .option('--wsdl-user <name>', 'user for a WSDL behind HTTP basic authentication')
    .option('--wsdl-password-env <variable>', 'environment variable holding that password (kept out of shell history and the SDL)')
    .addHelpText('after', HELP_AFTER)
    .action(async (location: string, options: ImportWsdlOptions) => {
      try {
        const started = performance.now();
        const soapVersion = await checkOptions(options);
        const { importWsdl } = await import('../../sources/soap/importer/import-wsdl.js');
        const { isUrl } = await import('../../sources/soap/wsdl/load-documents.js');
        const out = options.out ?? path.join('schema', 'sources', `${options.source}.graphql`);
        const auth = options.wsdlUser ? { username: options.wsdlUser, password: process.env[options.wsdlPasswordEnv!]! } : undefined;
        const result = await importWsdl({
          location,
          source: options.source,
          wsdlArgument: isUrl(location) ? location : wsdlFileArgument(location, out),
          service: options.service,
          port: options.port,
          soapVersion,
          queries: options.query,
          mutations: options.mutation,
          url: options.url,
          auth,
          authVariable: options.wsdlPasswordEnv,
        });
        const importMs = performance.now() - started;
        // The check builds the SDL as `skein serve` would; the WSDL is read again, from where the SDL says.
        const buildMs = await saveAndCheckSdl(result.sdl, out);
        if (out === '-') process.stdout.write(result.sdl);
        printSummary(location, out, result, importMs, buildMs);
      } catch (error) {
        reportFailure(error);
      }
    });
}

async function checkOptions(options: ImportWsdlOptions): Promise<SoapVersion | undefined> {
  const { SchemaError } = await import('../../errors/schema-error.js');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.source)) {
    throw new SchemaError(`--source "${options.source}" must start with a letter and use letters, digits, _ or -`);
  }
  if (options.url !== undefined && !/^https?:\/\//.test(options.url)) {
    throw new SchemaError(`--url "${options.url}" must start with http:// or https://`);
  }
  if (Boolean(options.wsdlPasswordEnv) !== Boolean(options.wsdlUser)) {
    throw new SchemaError('--wsdl-user and --wsdl-password-env go together (the password is read from that variable)');
  }
  if (options.wsdlPasswordEnv && process.env[options.wsdlPasswordEnv] === undefined) {
    throw new SchemaError(`--wsdl-password-env names ${options.wsdlPasswordEnv}, which is not set`);
  }
  if (options.soapVersion === undefined) return undefined;
  const version = VERSIONS[options.soapVersion.replace(/^soap[_ ]?/i, '').replace('_', '.')];
  if (!version) throw new SchemaError(`--soap-version must be 1.1 or 1.2, not "${options.soapVersion}"`);
  return version;
}

/** What `@source(wsdl:)` says for a WSDL file: its path relative to the SDL file, which is how the gateway resolves it. */
function wsdlFileArgument(location: string, out: string): string {
  const from = out === '-' ? process.cwd() : path.dirname(path.resolve(out));
  return path.relative(from, path.resolve(location)).split(path.sep).join('/');
}

/** The schema folder an SDL file written to `<folder>/sources/…` belongs to. */
function schemaFolderOf(out: string): string | undefined {
  if (out === '-') return undefined;
  let dir = path.dirname(path.resolve(out));
  while (path.basename(dir) !== 'sources') {
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return path.dirname(dir);
}

const LISTED = 20;

// The summary goes to stderr when the SDL itself goes to stdout, so the two never mix.
function printSummary(location: string, out: string, result: WsdlImport, importMs: number, buildMs: number): void {
  const log = out === '-' ? console.error : console.log;
  const queries = result.operations.filter((o) => o.root === 'Query').length;
  const c = result.counts;
  log(
    `${location} (service ${result.service || '-'}, port ${result.port}, SOAP ${result.soapVersion}): ` +
      `${count(result.operations.length, 'operation')} (${queries} Query, ${result.operations.length - queries} Mutation), ` +
      `${count(c.objects, 'object type')}, ${count(c.inputs, 'input type')}, ${count(c.enums, 'enum')} (${c.enumValues} values) ` +
      `→ ${out === '-' ? 'standard output' : out}`,
  );
  log(`  ${seconds(importMs)} to read ${count(result.documents, 'document')} and write the SDL, ${seconds(buildMs)} to check that it builds`);
  const others = result.ports.filter((p) => p.name !== result.port);
  if (others.length > 0) {
    log(`  other SOAP ports: ${others.map((p) => `${p.name} (SOAP ${p.soapVersion})`).join(', ')}; choose one with --port or --soap-version`);
  }
  const classified = result.operations.flatMap((o): NameClassification[] =>
    o.classifiedBy ? [{ operation: o.operation, root: o.root, reason: o.classifiedBy }] : [],
  );
  if (classified.length > 0) log(`  classified by name: ${formatClassifications(classified, LISTED)}`);
  const folder = schemaFolderOf(out);
  if (folder && !/^https?:\/\//i.test(location) && !path.resolve(location).startsWith(folder + path.sep)) {
    const shown = path.relative(process.cwd(), folder) || '.';
    log(`  note: a gateway reads a source's WSDL only from inside its schema folder (${shown}/) or from a URL: copy ${location} and the files it imports there (say to ${shown}/wsdl/) and import it from there`);
  }
  if (!result.endpoint) log('  the port has no soap:address: give the endpoint with --url, or set url on the @source');
  if (queries === 0) log('  no operation reads like a query, so every one is on Mutation (move reads with --query); the gateway still serves Query._skein');
  if (result.skipped.length > 0) {
    log(`  ${result.skipped.length} left out:`);
    for (const skipped of result.skipped.slice(0, LISTED)) log(`    ${skipped.operation}: ${skipped.reason}`);
    if (result.skipped.length > LISTED) log(`    … and ${result.skipped.length - LISTED} more`);
  }
}

