import {
  buildASTSchema,
  concatAST,
  isEnumType,
  isObjectType,
  Kind,
  parse,
  Source,
  validateSchema,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { addResolversToSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import path from 'node:path';
import { SchemaError, throwIfAny } from '../errors/schema-error.js';
import {
  directiveValues,
  protocols,
  readSources,
  sourcesSDL,
  UpstreamError,
  UpstreamErrorCode,
  wireNameOf,
  withoutUpstreamText,
  type Operation,
  type Protocol,
  type SubscriptionOperation,
  type DocumentScope,
  type SourceConfig,
  type SourceReadOptions,
} from '../sources/index.js';
import { EventBrokers, type EventBroker } from '../sources/events/index.js';
import { bindAbstractTypes } from './abstract-types.js';
import { BUILTIN_QUERY_FIELD, builtinNameErrors, builtinQueryDocument, gatewayInfo } from './builtin-query.js';
import { GraphQLJSON } from './scalars.js';
import type { SchemaFile } from './schema-input.js';

export interface SourceSchemaOptions extends SourceReadOptions {
  /**
   * What to do when a source cannot be prepared (its WSDL is unreachable, say):
   * `fail` reports it as an error (skein check); `degrade` serves everything else and
   * lets that source's fields answer SOURCE_UNAVAILABLE (skein serve).
   */
  readonly onSourceError?: 'fail' | 'degrade';
  /** Told about each degraded source, and what needs attention in a source after it is prepared (a broker lost). */
  readonly warn?: (message: string) => void;
  /** Told what is expected of a source after it is prepared (a broker connected). */
  readonly info?: (message: string) => void;
  /**
   * Let clients see what upstreams wrote: the body excerpt (`extensions.body`), SOAP
   * Fault `detail`, and why a degraded source could not be prepared. Off by default
   * (operators read them in their logs); `--expose-upstream-errors`, and `--dev`, turn it on.
   */
  readonly exposeUpstreamErrors?: boolean;
  /** SDL of further directives source files may use (joins, batching), declared by other parts. */
  readonly directives?: string;
}

/**
 * The schema of all sources, before composites are added. Scalars, enum wire values and
 * `@wire` fields are bound; root fields are not: the caller binds them to `operations`
 * (through its per-request loaders).
 */
export interface SourceSchema {
  readonly schema: GraphQLSchema;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  /** Every root field bound to an upstream, by `Query.order`. */
  readonly operations: ReadonlyMap<string, Operation>;
  /** Every Subscription field bound to an event source, by `Subscription.orderPlaced`. */
  readonly subscriptions: ReadonlyMap<string, SubscriptionOperation>;
  /** The connected brokers of the event sources (NATS, MQTT), by source name. */
  readonly brokers: EventBrokers;
  /** Root fields the gateway answers itself (`Query._skein`), already resolved. */
  readonly builtinFields: ReadonlySet<string>;
  /** The type definitions of all source files, for later extension (composites, joins). */
  readonly document: DocumentNode;
  /** Closes the sources' connection pools. */
  close(): Promise<void>;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
/** Root fields the gateway answers itself rather than an upstream. */
const BUILTIN_FIELDS: ReadonlySet<string> = new Set([`Query.${BUILTIN_QUERY_FIELD}`]);

/**
 * Builds the schema from source files: parses and validates the SDL, reads each
 * `@source`, prepares each source once, and compiles every Query and Mutation field
 * into the Operation that calls its upstream. Errors are collected and thrown together,
 * each naming its file, line and column.
 */
export async function buildSourceSchema(
  files: readonly SchemaFile[],
  options: SourceSchemaOptions = {},
): Promise<SourceSchema> {
  const errors: SchemaError[] = [];
  const documents: DocumentNode[] = [];
  for (const file of files) {
    try {
      documents.push(parse(new Source(file.text, file.path)));
    } catch (error) {
      errors.push(SchemaError.fromGraphQLError(error as never, file.path));
    }
  }
  throwIfAny(errors);

  const document = [...protocols.values()].reduce(
    (merged, protocol) => protocol.prepareDocument?.(merged) ?? merged,
    concatAST(documents.map(asExtensionsOfRoots)),
  );
  errors.push(...builtinNameErrors(document));
  throwIfAny(errors);
  const builtins = `${builtinSDL(document)}\n${options.directives ?? ''}`;
  // The built-in Query field comes last, so the sources' own fields lead in GraphiQL and introspection.
  const full = concatAST([parse(new Source(builtins, '<skein directives>')), document, builtinQueryDocument()]);
  for (const error of validateSDL(full)) errors.push(SchemaError.fromGraphQLError(error));
  throwIfAny(errors);

  const schema = buildASTSchema(full, { assumeValidSDL: true });
  for (const error of validateSchema(schema)) errors.push(SchemaError.fromGraphQLError(error));
  const { sources, errors: sourceErrors } = readSources(
    [...(schema.astNode ? [schema.astNode] : []), ...schema.extensionASTNodes],
    schema.getDirective('source')!,
    options,
    documentScopes(files),
    (kind) => protocols.get(kind)?.urlSchemes ?? ['http', 'https'],
  );
  errors.push(...sourceErrors);
  throwIfAny(errors);

  const clients = await connectSources(sources, options, errors);
  if (errors.length > 0) {
    await closeSources(clients);
    throwIfAny(errors);
  }
  const operations = new Map<string, Operation>();
  const subscriptions = new Map<string, SubscriptionOperation>();
  const info = gatewayInfo(sources);
  const resolvers: Record<string, Record<string, unknown>> = { Query: { [BUILTIN_QUERY_FIELD]: () => info } };
  let closing: Promise<void> | undefined;
  const closeAll = () => (closing ??= closeSources(clients)); // safe to call more than once
  try {
    compileOperations(schema, sources, clients, operations, errors, options.exposeUpstreamErrors === true);
    compileSubscriptions(schema, sources, clients, subscriptions, errors);
    bindWireNames(schema, resolvers);
    errors.push(...bindAbstractTypes(schema, resolvers));
    throwIfAny(errors);
  } catch (error) {
    await closeAll();
    throw error;
  }

  return {
    schema: addResolversToSchema({ schema, resolvers: { ...resolvers, ...scalarResolvers() } as IResolvers }),
    sources,
    operations,
    subscriptions,
    brokers: brokersOf(clients),
    builtinFields: BUILTIN_FIELDS,
    document,
    close: closeAll,
  };
}

/** Where each file's sources may read documents: as the file says, else inside the file's own folder. */
function documentScopes(files: readonly SchemaFile[]): (file: string) => DocumentScope {
  const scopes = new Map(files.map((file) => [file.path, file.documents]));
  return (file) => scopes.get(file) ?? { folder: path.dirname(path.resolve(file)) };
}

/** The scalars every source file may use: JSON, and those protocols contribute. */
function scalarResolvers(): Record<string, GraphQLScalarType> {
  const scalars = [GraphQLJSON, ...[...protocols.values()].flatMap((p) => p.scalars ?? [])];
  return Object.fromEntries(scalars.map((scalar) => [scalar.name, scalar]));
}

/**
 * SDL of Skein's directives; an empty Query (and Mutation) for source files to extend.
 * Query is never left empty: the built-in field extends it too (builtin-query.ts).
 */
function builtinSDL(document: DocumentNode): string {
  const extended = new Set(
    document.definitions.flatMap((d) => (d.kind === Kind.OBJECT_TYPE_EXTENSION ? [d.name.value] : [])),
  );
  const roots = ['type Query', ...['Mutation', 'Subscription'].filter((root) => extended.has(root)).map((root) => `type ${root}`)];
  return `${sourcesSDL()}\n${roots.join('\n')}\n`;
}

/**
 * Source files may write `type Query { … }` or `extend type Query { … }`, and several
 * files may do so; both become extensions of one root type. Likewise `schema @source`.
 */
function asExtensionsOfRoots(document: DocumentNode): DocumentNode {
  const definitions = document.definitions.map((definition): DefinitionNode => {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && ROOT_TYPES.has(definition.name.value)) {
      return { ...definition, kind: Kind.OBJECT_TYPE_EXTENSION, description: undefined } as DefinitionNode;
    }
    if (definition.kind === Kind.SCHEMA_DEFINITION && definition.operationTypes.length === 0) {
      return { ...definition, kind: Kind.SCHEMA_EXTENSION, description: undefined } as DefinitionNode;
    }
    return definition;
  });
  return { ...document, definitions };
}

async function connectSources(
  sources: ReadonlyMap<string, SourceConfig>,
  options: SourceSchemaOptions,
  errors: SchemaError[],
): Promise<Map<string, { protocol: Protocol; client: unknown } | Error>> {
  const clients = new Map<string, { protocol: Protocol; client: unknown } | Error>();
  await Promise.all(
    [...sources.values()].map(async (source) => {
      const protocol = protocols.get(source.kind)!;
      try {
        clients.set(source.name, { protocol, client: await protocol.connect(source, { warn: options.warn, info: options.info }) });
      } catch (error) {
        const reason = error instanceof SchemaError ? error : new SchemaError(
          `source "${source.name}" could not be prepared: ${(error as Error).message}`,
          source.location,
        );
        if (options.onSourceError === 'degrade') {
          options.warn?.(`${reason.format()} (its fields will answer SOURCE_UNAVAILABLE)`);
          clients.set(source.name, reason);
        } else {
          errors.push(reason);
        }
      }
    }),
  );
  return clients;
}

async function closeSources(clients: Map<string, { protocol: Protocol; client: unknown } | Error>): Promise<void> {
  await Promise.all(
    [...clients.values()].map((entry) => (entry instanceof Error ? undefined : entry.protocol.close(entry.client))),
  );
}

function compileOperations(
  schema: GraphQLSchema,
  sources: ReadonlyMap<string, SourceConfig>,
  clients: Map<string, { protocol: Protocol; client: unknown } | Error>,
  operations: Map<string, Operation>,
  errors: SchemaError[],
  exposeUpstreamErrors: boolean,
): void {
  const byDirective = protocolsByDirective((p) => p.directive);
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const node = field.astNode!;
      const name = `${root.name}.${field.name}`;
      if (BUILTIN_FIELDS.has(name)) continue; // answered by the gateway, not an upstream
      try {
        const annotations = (node.directives ?? []).filter((d) => byDirective.has(d.name.value));
        if (annotations.length !== 1) {
          const names = oneOf([...byDirective.keys()].map((d) => `@${d}`));
          throw new SchemaError(
            annotations.length === 0
              ? `${name} has no ${names} directive, so nothing can resolve it`
              : `${name} has ${annotations.length} source directives; a field calls exactly one upstream`,
            node,
          );
        }
        const annotation = annotations[0];
        const { protocol, source, directiveArgs } = annotatedSource(schema, sources, byDirective.get(annotation.name.value)!, annotation, name);
        const connected = clients.get(source.name)!;
        const operation =
          connected instanceof Error
            ? unavailable(name, source, exposeUpstreamErrors ? connected.message : undefined)
            : protocol.compileOperation({
                schema,
                field,
                parentType: root.name,
                node,
                directiveArgs,
                source,
                client: connected.client,
              });
        operations.set(name, exposeUpstreamErrors ? operation : withPublicErrors(operation));
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        errors.push(error);
      }
    }
  }
}

/** `@rest, @soap or @publish` */
function oneOf(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Protocols by the name of one of their directives; several protocols may share one (`@publish`). */
function protocolsByDirective(directiveOf: (protocol: Protocol) => string | undefined): Map<string, Protocol[]> {
  const byDirective = new Map<string, Protocol[]>();
  for (const protocol of protocols.values()) {
    const directive = directiveOf(protocol);
    if (directive) byDirective.set(directive, [...(byDirective.get(directive) ?? []), protocol]);
  }
  return byDirective;
}

/** The source a field directive names, and the protocol (of those with that directive) of its kind. */
function annotatedSource(
  schema: GraphQLSchema,
  sources: ReadonlyMap<string, SourceConfig>,
  candidates: readonly Protocol[],
  annotation: ConstDirectiveNode,
  name: string,
): { protocol: Protocol; source: SourceConfig; directiveArgs: Record<string, unknown> } {
  const directive = annotation.name.value;
  const directiveArgs = directiveValues(schema.getDirective(directive)!, annotation);
  const source = sources.get(String(directiveArgs.source));
  if (!source) {
    const known = [...sources.keys()].map((s) => `"${s}"`).join(', ') || 'none is declared';
    throw new SchemaError(`@${directive} on ${name} names source "${directiveArgs.source}", which is not declared (known: ${known})`, annotation);
  }
  const protocol = candidates.find((p) => p.kind === source.kind);
  if (!protocol) {
    throw new SchemaError(
      `@${directive} on ${name} names source "${source.name}", which is of kind ${source.kind}, not ${candidates.map((p) => p.kind).join(' or ')}`,
      annotation,
    );
  }
  return { protocol, source, directiveArgs };
}

/** Every Subscription field is served from an event source's `@subscribe`. */
function compileSubscriptions(
  schema: GraphQLSchema,
  sources: ReadonlyMap<string, SourceConfig>,
  clients: Map<string, { protocol: Protocol; client: unknown } | Error>,
  subscriptions: Map<string, SubscriptionOperation>,
  errors: SchemaError[],
): void {
  const root = schema.getSubscriptionType();
  if (!root) return;
  const byDirective = protocolsByDirective((p) => p.subscriptionDirective);
  for (const field of Object.values(root.getFields())) {
    const node = field.astNode!;
    const name = `${root.name}.${field.name}`;
    try {
      const annotations = (node.directives ?? []).filter((d) => byDirective.has(d.name.value));
      if (annotations.length !== 1) {
        const names = oneOf([...byDirective.keys()].map((d) => `@${d}`));
        throw new SchemaError(
          annotations.length === 0
            ? `${name} has no ${names} directive, so no events can feed it`
            : `${name} has ${annotations.length} ${names} directives; a subscription reads exactly one subject`,
          node,
        );
      }
      const annotation = annotations[0];
      const { protocol, source, directiveArgs } = annotatedSource(schema, sources, byDirective.get(annotation.name.value)!, annotation, name);
      const connected = clients.get(source.name)!;
      if (connected instanceof Error) throw new SchemaError(`${name}: source "${source.name}" could not be prepared`, annotation);
      subscriptions.set(
        name,
        protocol.compileSubscription!({ schema, field, parentType: root.name, node, directiveArgs, source, client: connected.client }),
      );
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      errors.push(error);
    }
  }
}

function brokersOf(clients: Map<string, { protocol: Protocol; client: unknown } | Error>): EventBrokers {
  const brokers: [string, EventBroker][] = [];
  for (const [name, entry] of clients) {
    if (!(entry instanceof Error) && entry.protocol.brokerOf) brokers.push([name, entry.protocol.brokerOf(entry.client)]);
  }
  return new EventBrokers(brokers);
}

/** Output fields and enum values renamed by `@wire` read and write their wire names. */
function bindWireNames(schema: GraphQLSchema, resolvers: Record<string, Record<string, unknown>>): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) && !ROOT_TYPES.has(type.name)) {
      for (const field of Object.values(type.getFields())) {
        const wire = wireNameOf(field);
        if (wire !== undefined) {
          (resolvers[type.name] ??= {})[field.name] = (parent: Record<string, unknown> | null) => parent?.[wire];
        }
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        const wire = wireNameOf(value);
        if (wire !== undefined) (resolvers[type.name] ??= {})[value.name] = wire;
      }
    }
  }
}

/**
 * The operation of a field whose source could not be prepared. The reason names files
 * and hosts of the gateway's, so clients are told it only when upstream errors are
 * exposed; the operator's log has it (`warn`) either way.
 */
function unavailable(name: string, source: SourceConfig, reason: string | undefined): Operation {
  const message = reason
    ? `Source "${source.name}" is unavailable: ${reason}`
    : `Source "${source.name}" is unavailable: it could not be prepared when the schema was built; the gateway's log says why`;
  return {
    name,
    source,
    idempotent: true,
    call() {
      return Promise.reject(new UpstreamError(UpstreamErrorCode.SOURCE_UNAVAILABLE, message, { source: source.name }));
    },
  };
}

/** The operation with its errors as clients may see them: no upstream body excerpt, no SOAP Fault detail. */
function withPublicErrors(operation: Operation): Operation {
  const call = operation.call;
  return {
    ...operation,
    call: (args, context, info) =>
      call.call(operation, args, context, info).catch((error: unknown) => {
        throw withoutUpstreamText(error);
      }),
  };
}
