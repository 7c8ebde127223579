import { SchemaError } from '../../../errors/schema-error.js';
import { classifyName, reasonOf } from '../../classify-operation.js';
import { fieldName, NameRegistry } from '../../naming.js';
import { sourcesSDL } from '../../index.js';
import { graphqlNames, keyedItems } from '../field-keys.js';
import { operationContract, operationNames, resultItemOf, type OperationContract } from '../operation-contract.js';
import type { DocumentScope } from '../../document-scope.js';
import type { BasicCredentials } from '../wsdl/load-documents.js';
import { loadWsdl } from '../wsdl/load-wsdl.js';
import { selectPort } from '../wsdl/select-port.js';
import type { SoapVersion } from '../wsdl/wsdl-model.js';
import { description, SdlTypeWriter } from './sdl-writer.js';

export interface WsdlImportOptions {
  /** The WSDL: a file path or an http(s) URL. */
  readonly location: string;
  /** Name of the source to declare. */
  readonly source: string;
  /** What to write as `@source(wsdl:)`; defaults to `location` (the CLI writes a path relative to the output file). */
  readonly wsdlArgument?: string;
  readonly service?: string;
  readonly port?: string;
  readonly soapVersion?: SoapVersion;
  /** Operation names to put on Query / Mutation whatever their names say. */
  readonly queries?: readonly string[];
  readonly mutations?: readonly string[];
  /** Endpoint to write as `@source(url:)` instead of the port's soap:address. */
  readonly url?: string;
  readonly auth?: BasicCredentials;
  /**
   * Where the documents the WSDL imports may be read from. Default `'anywhere'`: the
   * operator's own shell (`skein import wsdl`); an admin upload passes `'urls'`.
   */
  readonly documents?: DocumentScope;
  /** With `auth`: the environment variable to name as the password in `@source(wsdlAuth:)`, so the SDL holds no secret. */
  readonly authVariable?: string;
}

export interface ImportedOperation {
  readonly operation: string;
  readonly field: string;
  readonly root: 'Query' | 'Mutation';
  /** Why the name put it there (`Describe`, `Create over Get`, `no verb`); absent when --query/--mutation did. */
  readonly classifiedBy?: string;
}

/** The SDL of one WSDL port, and what went into it. */
export interface WsdlImport {
  readonly sdl: string;
  readonly service: string;
  readonly port: string;
  readonly soapVersion: SoapVersion;
  readonly endpoint?: string;
  /** Every SOAP port of the WSDL, to tell the user what else there is. */
  readonly ports: readonly { readonly service: string; readonly name: string; readonly soapVersion: SoapVersion }[];
  readonly operations: readonly ImportedOperation[];
  /** Operations left out, each with the reason (an undefined type, say). */
  readonly skipped: readonly { readonly operation: string; readonly reason: string }[];
  readonly counts: { readonly objects: number; readonly inputs: number; readonly enums: number; readonly enumValues: number };
  readonly documents: number;
}

/**
 * Reads a WSDL and writes readable source SDL for one of its ports: an `@source`, one
 * Query or Mutation field per operation with `@soap(operation:)`, and the object, input
 * and enum types the operations use. A document/literal wrapped request is flattened,
 * so `GetRoom(roomId)` reads `getRoom(roomId: String!)`.
 */
export async function importWsdl(options: WsdlImportOptions): Promise<WsdlImport> {
  const wsdl = await loadWsdl(options.location, { auth: options.auth, scope: options.documents ?? 'anywhere' });
  const { definitions, resolver } = wsdl;
  const port = selectPort(definitions, { service: options.service, port: options.port, soapVersion: options.soapVersion });
  for (const name of [...(options.queries ?? []), ...(options.mutations ?? [])]) {
    if (!port.binding.operations.has(name)) {
      throw new SchemaError(`--query/--mutation name operation "${name}", which port ${port.port.name} does not have (operations: ${operationNames(port).join(', ')})`);
    }
  }

  const reserved = sourcesSDL();
  const types = new SdlTypeWriter(reserved);
  const roots = { Query: [] as string[], Mutation: [] as string[] };
  const rootNames = { Query: new NameRegistry(), Mutation: new NameRegistry() };
  const operations: ImportedOperation[] = [];
  const skipped: { operation: string; reason: string }[] = [];

  for (const name of operationNames(port)) {
    let contract: OperationContract;
    let field: string;
    const { root, classifiedBy } = rootOf(name, options);
    try {
      contract = operationContract(definitions, port, resolver, name);
      field = operationField(contract, types, options.source);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      skipped.push({ operation: name, reason: error.format() });
      continue;
    }
    const fieldNameText = rootNames[root].claim(fieldName(name));
    roots[root].push(`${description(contract.documentation, '  ')}  ${fieldNameText}${field}`);
    operations.push({ operation: name, field: fieldNameText, root, ...(classifiedBy ? { classifiedBy } : {}) });
  }
  if (operations.length === 0) {
    throw new SchemaError(
      `no operation of port ${port.port.name} could be imported` + (skipped.length ? `:\n${skipped.map((s) => `  ${s.reason}`).join('\n')}` : ''),
    );
  }

  const endpoint = options.url ?? port.port.address;
  const sameNamePorts = port.candidates.filter((p) => p.name === port.port.name).length;
  const sourceArgs = [
    `name: ${JSON.stringify(options.source)}`,
    'kind: SOAP',
    ...(endpoint ? [`url: ${JSON.stringify(endpoint)}`] : []),
    `wsdl: ${JSON.stringify(options.wsdlArgument ?? options.location)}`,
    ...(sameNamePorts > 1 ? [`wsdlService: ${JSON.stringify(port.port.service)}`] : []),
    `wsdlPort: ${JSON.stringify(port.port.name)}`,
    ...(options.auth && options.authVariable
      ? [`wsdlAuth: { username: ${JSON.stringify(options.auth.username)}, password: "{env.${options.authVariable}}" }`]
      : []),
  ];
  const others = port.candidates.filter((p) => p !== port.port);
  const header = [
    `# Generated by \`skein import wsdl\` from ${options.location}`,
    `# service ${port.port.service || '(none)'}, port ${port.port.name} (SOAP ${port.soapVersion}).` +
      (others.length ? ` Other SOAP ports: ${others.map((p) => `${p.name} (SOAP ${definitions.bindings.get(p.binding)!.soapVersion})`).join(', ')}.` : ''),
    '# Edit freely: rename or drop fields and types. @soap(operation:) keeps the WSDL operation',
    '# name and @wire(name:) the XML name of a renamed field or enum value, so renaming is safe.',
  ].join('\n');
  const blocks = [
    header,
    `extend schema @source(${sourceArgs.join(', ')})`,
    ...(roots.Query.length ? [`type Query {\n${roots.Query.join('\n')}\n}`] : []),
    ...(roots.Mutation.length ? [`type Mutation {\n${roots.Mutation.join('\n')}\n}`] : []),
    ...types.definitions,
  ];
  return {
    sdl: `${blocks.join('\n\n')}\n`,
    service: port.port.service,
    port: port.port.name,
    soapVersion: port.soapVersion,
    endpoint,
    ports: port.candidates.map((p) => ({ service: p.service, name: p.name, soapVersion: definitions.bindings.get(p.binding)!.soapVersion! })),
    operations,
    skipped,
    counts: { ...types.counts },
    documents: wsdl.documentCount,
  };
}

/**
 * --query/--mutation first; else the words of the name: a write word makes a Mutation, and
 * everything else reads, a name with no verb at all included (`FECompUltimoAutorizado`,
 * `Version`): an operation named by what it returns reports it.
 */
function rootOf(operation: string, options: WsdlImportOptions): { root: 'Query' | 'Mutation'; classifiedBy?: string } {
  if (options.queries?.includes(operation)) return { root: 'Query' };
  if (options.mutations?.includes(operation)) return { root: 'Mutation' };
  const nameClass = classifyName(operation);
  return { root: nameClass.kind === 'write' ? 'Mutation' : 'Query', classifiedBy: reasonOf(nameClass) };
}

/** `(roomId: String!): Room @soap(…)`: the arguments, result type and directive of an operation's field. */
function operationField(contract: OperationContract, types: SdlTypeWriter, source: string): string {
  const keyed = keyedItems(contract.input.content, contract.headers);
  const names = graphqlNames(keyed.map((k) => k.key));
  const headerItems = new Set<unknown>(contract.headers);
  const args = keyed.map(({ key, item }) => {
    let type: string;
    if (item.kind === 'element') {
      type = types.elementType(item, 'input');
      // Header parts may come from the source's static soapHeaders instead, so they are never required.
      if (headerItems.has(item)) type = type.replace(/!$/, '');
    } else if (item.kind === 'attribute') type = types.simpleType(item.shape) + (item.required ? '!' : '');
    else type = types.simpleType(item.shape);
    return `${names.get(key)}: ${type}`;
  });
  let result = 'Boolean';
  if (contract.output) {
    const item = resultItemOf(contract.output);
    if (item) result = types.elementType(item, 'output');
    else if (contract.output.content.items.length > 0 || contract.output.content.text) result = types.complexType(contract.output.content, 'output');
  }
  // The field itself is nullable: a fault or an unreachable upstream makes it null, not its parent.
  result = result.replace(/!$/, '');
  let argumentText = args.length ? `(${args.join(', ')})` : '';
  if (argumentText.length > 80) argumentText = `(\n${args.map((arg) => `    ${arg}`).join('\n')}\n  )`;
  return `${argumentText}: ${result} @soap(source: ${JSON.stringify(source)}, operation: ${JSON.stringify(contract.name)})`;
}
