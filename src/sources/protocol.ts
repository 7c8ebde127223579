import type { FieldDefinitionNode, GraphQLField, GraphQLScalarType, GraphQLSchema } from 'graphql';
import type { SchemaLocation } from '../errors/schema-error.js';
import type { TraceScope } from '../observe/index.js';
import type { RequestBudget } from './http/request-budget.js';
import type { DocumentScope } from './document-scope.js';

/** The protocols Skein speaks, as written in `@source(kind: …)`. */
export type SourceKind = 'REST' | 'SOAP';

/** One upstream API, read from an `@source` directive (read by `readSources` in source-directive.ts). */
export interface SourceConfig {
  readonly name: string;
  readonly kind: SourceKind;
  /** Base URL (REST) or endpoint (SOAP), after the `SKEIN_SOURCE_<NAME>_URL` override. */
  readonly url: string | undefined;
  /** Headers sent on every call; `{env.X}` placeholders already filled in. */
  readonly headers: Readonly<Record<string, string>>;
  /** Incoming request headers that may be passed on to this source, lower-case. */
  readonly forwardHeaders: readonly string[];
  readonly timeoutMs: number;
  /** Every argument of the `@source` directive, protocol-specific ones included. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The file that declares the source; relative paths (a WSDL) resolve against it. */
  readonly file: string;
  /** Where the source may read the documents it names (document-scope.ts). */
  readonly documents: DocumentScope;
  readonly location: SchemaLocation | undefined;
}

/** The parts of an incoming HTTP request that Skein reads. A Fetch `Request` fits. */
export interface IncomingRequest {
  readonly headers: { get(name: string): string | null };
  /** Aborted when the client goes away or the gateway shuts down. */
  readonly signal?: AbortSignal;
}

/** What an operation may read from the client request that caused it. */
export interface RequestContext {
  /** The incoming HTTP request; absent when Skein calls an operation on its own. */
  readonly request?: IncomingRequest;
  /** What the request may still spend upstream; absent when Skein calls on its own. */
  readonly budget?: RequestBudget;
  /** The request's verified bearer token, when the gateway checks JWTs and the client sent one. */
  readonly jwt?: RequestIdentity;
  /** The traced operation the request runs; absent when tracing is off. */
  readonly trace?: TraceScope;
}

/** What a verified JWT proved: header templates read it as `{jwt.sub}` and `{jwt.claims.<name>}`. */
export interface RequestIdentity {
  readonly sub: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: ReadonlySet<string>;
}

/**
 * A root field bound to an upstream call: `@rest` or `@soap` compiled once at schema
 * build time. Resolvers, joins, batch loaders and composite steps all call upstreams
 * through this one interface, whatever the protocol.
 */
export interface Operation {
  /** `Query.order`: the field this operation resolves. */
  readonly name: string;
  readonly source: SourceConfig;
  /** Safe to repeat (GET/HEAD, SOAP operations marked safe): retries are allowed. */
  readonly idempotent: boolean;
  /** Calls the upstream with the field's (coerced) arguments; rejects with an UpstreamError. */
  call(args: Readonly<Record<string, unknown>>, context: RequestContext): Promise<unknown>;
}

/** What a protocol gets to compile one annotated field. */
export interface OperationDefinition<Client> {
  readonly schema: GraphQLSchema;
  readonly field: GraphQLField<unknown, unknown>;
  /** `Query` or `Mutation`. */
  readonly parentType: string;
  readonly node: FieldDefinitionNode;
  /** The field directive's arguments, coerced to their declared types. */
  readonly directiveArgs: Readonly<Record<string, unknown>>;
  readonly source: SourceConfig;
  readonly client: Client;
}

/**
 * A source kind. Each protocol folder (rest/, soap/) exports one; the schema builder
 * knows protocols only through this contract, so a new kind is a new folder.
 */
export interface Protocol<Client = unknown> {
  readonly kind: SourceKind;
  /** Name of the field directive, such as `rest`. */
  readonly directive: string;
  /** SDL of the field directive and the enums and inputs it uses. */
  readonly sdl: string;
  /** Extra `@source` arguments this protocol understands, as SDL argument definitions. */
  readonly sourceArguments: string;
  /** Implementations of the custom scalars its SDL declares (`scalar Long` in \`sdl\`). */
  readonly scalars?: readonly GraphQLScalarType[];
  /** Prepares a source once at startup (SOAP reads its WSDL here, not per request). */
  connect(source: SourceConfig): Promise<Client>;
  /** Binds one field to its upstream call. Throws a SchemaError that says where. */
  compileOperation(definition: OperationDefinition<Client>): Operation;
  /** Releases what `connect` opened (connection pools). */
  close(client: Client): Promise<void>;
}
