import type { DocumentNode, FieldDefinitionNode, GraphQLField, GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema } from 'graphql';
import type { SchemaLocation } from '../errors/schema-error.js';
import type { CallCache } from './http/call-cache.js';
import type { TraceScope } from '../observe/index.js';
import type { RequestBudget } from './http/request-budget.js';
import type { DocumentScope } from './document-scope.js';
import type { EventBroker } from './events/event-broker.js';
import type { Template } from './template.js';

/** The protocols Skein speaks, as written in `@source(kind: …)`. */
export type SourceKind = 'REST' | 'SOAP' | 'GRAPHQL' | 'NATS' | 'MQTT';

/** One upstream API, read from an `@source` directive (read by `readSources` in source-directive.ts). */
export interface SourceConfig {
  readonly name: string;
  readonly kind: SourceKind;
  /** Base URL (REST), endpoint (SOAP) or broker URL (NATS, MQTT), after the `SKEIN_SOURCE_<NAME>_URL` override. */
  readonly url: string | undefined;
  /** Headers sent on every call; `{env.X}` placeholders already filled in. */
  readonly headers: Readonly<Record<string, string>>;
  /** Incoming request headers that may be passed on to this source, lower-case. */
  readonly forwardHeaders: readonly string[];
  /** Headers filled in per call from the caller's token (`{jwt.sub}`), lower-case names. */
  readonly callerHeaders: readonly { readonly name: string; readonly template: Template }[];
  /** The environment variables the caller headers name, read once with the schema. */
  readonly callerHeaderEnv: Readonly<Record<string, string | undefined>>;
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
  /** Aborted when the gateway begins to shut down; long-lived answers (subscriptions) end then. */
  readonly stopping?: AbortSignal;
  /** The request's verified bearer token, when the gateway checks JWTs and the client sent one. */
  readonly jwt?: RequestIdentity;
  /** Upstream answers the request may be served from (read-only calls); absent when the gateway does not cache. */
  readonly callCache?: CallCache;
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
  /**
   * Forwards the client's selection under the field (a GraphQL source): `call` needs the
   * field's `info`, and answers differ by selection, so loaders do not share them by arguments.
   */
  readonly delegates?: boolean;
  /**
   * Calls the upstream with the field's (coerced) arguments; rejects with an UpstreamError.
   * `info` is the resolving field's: what the client selected below it (delegating operations read it).
   */
  call(args: Readonly<Record<string, unknown>>, context: RequestContext, info?: GraphQLResolveInfo): Promise<unknown>;
}

/**
 * A Subscription field bound to a stream of upstream events (`@subscribe` on an event
 * source, `@graphql` on a GraphQL source's). `subscribe` gives the events; `resolve` turns
 * one into the field's value.
 */
export interface SubscriptionOperation {
  /** `Subscription.orderPlaced` */
  readonly name: string;
  readonly source: SourceConfig;
  /**
   * The events for these arguments; rejects with an UpstreamError when the source cannot deliver any now.
   * `info` is the field's: what the client selected below it (a GraphQL source forwards it).
   */
  subscribe(args: Readonly<Record<string, unknown>>, context: RequestContext, info?: GraphQLResolveInfo): Promise<AsyncIterableIterator<unknown>>;
  /** One event as the field's value; throws a GraphQLError for one that cannot be (the stream goes on). */
  resolve(event: unknown): unknown;
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
 * Where a source tells the operator what happens to it after it is prepared: `warn` for
 * what needs attention (a broker lost or refusing), `info` for what is expected (a broker
 * connected, a stream created).
 */
export interface SourceLog {
  readonly warn?: (message: string) => void;
  readonly info?: (message: string) => void;
}

/**
 * A source kind. Each protocol folder (rest/, soap/) exports one; the schema builder
 * knows protocols only through this contract, so a new kind is a new folder.
 */
export interface Protocol<Client = unknown> {
  readonly kind: SourceKind;
  /**
   * Name of the field directive of Query and Mutation fields, such as `rest`. Protocols may
   * share one (`@publish` is NATS's and MQTT's): the field's source says which compiles it.
   */
  readonly directive: string;
  /** Name of the directive of Subscription fields, for protocols that deliver events (`subscribe`). */
  readonly subscriptionDirective?: string;
  /** SDL of the field directive and the enums and inputs it uses (the same text from protocols that share it is added once). */
  readonly sdl: string;
  /** Extra `@source` arguments this protocol understands, as SDL argument definitions. */
  readonly sourceArguments: string;
  /** Implementations of the custom scalars its SDL declares (`scalar Long` in \`sdl\`). */
  readonly scalars?: readonly GraphQLScalarType[];
  /** Prepares a source once at startup (SOAP reads its WSDL here, not per request). */
  connect(source: SourceConfig, context?: SourceLog): Promise<Client>;
  /** Binds one field to its upstream call. Throws a SchemaError that says where. */
  compileOperation(definition: OperationDefinition<Client>): Operation;
  /**
   * Rewrites the parsed source files before the schema is built (a GRAPHQL source merges
   * the declarations of one entity type written by several subgraphs' files).
   */
  prepareDocument?(document: DocumentNode): DocumentNode;
  /** Binds one Subscription field to its events; only protocols with a `subscriptionDirective`. */
  compileSubscription?(definition: OperationDefinition<Client>): SubscriptionOperation;
  /** The broker a connected client is, for protocols that are message brokers (src/sources/events). */
  brokerOf?(client: Client): EventBroker;
  /**
   * URL schemes its sources' `url` may use, such as `['nats']`; http and https when not given.
   * `connect()` must not fail because the server is down when the protocol reconnects on its own.
   */
  readonly urlSchemes?: readonly string[];
  /** Releases what `connect` opened (connection pools). */
  close(client: Client): Promise<void>;
}
