import { createHash } from 'node:crypto';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { batchDirectiveSDL, compileBatchForms, type BatchForm } from '../batching/index.js';
import { listSizeDirectiveSDL } from '../cost/index.js';
import {
  checkTriggers,
  compileComposites,
  compositeDirectivesSDL,
  type CompiledComposite,
  type CompositePlan,
  type CompositeTrigger,
} from '../composite/index.js';
import { SchemaError, schemaErrorsOf, throwIfAny } from '../errors/schema-error.js';
import { majorityProtocols, type CompositeProtocol } from '../compose/protocol.js';
import { compileJoins, joinDirectiveSDL, type Join } from '../joins/index.js';
import { buildSourceSchema, type SchemaInput, type SourceSchemaOptions } from '../schema/index.js';
import { compileDelegatedFields, hasCallerHeaders, type DelegatedField, type Operation, type SourceConfig, type SubscriptionOperation } from '../sources/index.js';
import type { EventBrokers } from '../sources/events/index.js';
import { bindResolvers } from './bind-resolvers.js';
import { publicSchemaOf } from './public-schema.js';
import { cacheControlDirectiveSDL, compileCachePolicy, type CachePolicy, type SourceFingerprints } from '../cache/index.js';
import { authorizationDirectivesSDL, compileAuthorization, guardFields, type AuthorizationMap } from '../server/auth/authorization.js';

/** Everything one version of the served graph is made of. Immutable once built. */
export interface Graph {
  /**
   * The schema served at /graphql: the API without Skein's configuration directives and
   * the types only they use (see public-schema.ts). Resolvers are bound.
   */
  readonly schema: GraphQLSchema;
  /**
   * The same graph as built, configuration directives (`@source`, `@rest`, …) and their
   * types included, for tools that read the configuration. It shares its type objects,
   * and so its resolvers, with `schema`.
   */
  readonly fullSchema: GraphQLSchema;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  /** Every root field bound to an upstream, by `Query.order`. */
  readonly operations: ReadonlyMap<string, Operation>;
  /** Every Subscription field bound to an event source, by `Subscription.orderPlaced`. */
  readonly subscriptions: ReadonlyMap<string, SubscriptionOperation>;
  /** The connected brokers of the event sources (NATS, MQTT), by source name: triggers and sync jobs use them. */
  readonly brokers: EventBrokers;
  /** Composites run by messages (`# @trigger`), checked against the sources; src/triggers runs them. */
  readonly triggers: readonly CompositeTrigger[];
  /** Every composite's compiled plan, by name. */
  readonly plans: ReadonlyMap<string, CompositePlan>;
  /**
   * Every composite's protocol (besides GraphQL): the one recorded with its version, else
   * the one most of its steps' sources speak, a tie going to REST (src/compose/protocol.ts).
   */
  readonly protocols: ReadonlyMap<string, CompositeProtocol>;
  /** Fields guarded by `@authenticated` and `@requiresScopes`, and what each requires (src/server/auth). */
  readonly authorization: AuthorizationMap;
  /** `@cacheControl` hints, compiled on first use (src/cache): what an answer or an upstream call may be cached for. */
  readonly cachePolicy: CachePolicy;
  /** Composites served but paused: they answer COMPOSITE_PAUSED (HTTP 503 over REST). */
  readonly paused: ReadonlySet<string>;
  /** Releases upstream connection pools; call once no request uses this graph. */
  close(): Promise<void>;
}

export interface GraphOptions extends Omit<SourceSchemaOptions, 'directives'> {
  /** Composites that stay in the schema but answer COMPOSITE_PAUSED instead of running. */
  readonly pausedComposites?: ReadonlySet<string>;
}

/** SDL of the directives Skein adds to GraphQL, for sources (joins, batching) and composites. */
export const graphDirectivesSDL = [joinDirectiveSDL, batchDirectiveSDL, listSizeDirectiveSDL, compositeDirectivesSDL, authorizationDirectivesSDL, cacheControlDirectiveSDL].join(
  '\n',
);

/**
 * Builds the graph a gateway serves: the sources' schema, their joins and batch forms,
 * and the composites on top, with every field bound to how it is fetched. All errors are
 * collected and thrown together, each with its file, line and column.
 */
export async function buildGraph(input: SchemaInput, options: GraphOptions = {}): Promise<Graph> {
  const base = await buildSourceSchema(input.sources, { ...options, directives: graphDirectivesSDL });
  try {
    const errors: SchemaError[] = [];
    const batchForms = collect(errors, () => compileBatchForms(base.schema, base.operations), new Map<string, BatchForm>());
    const joins = collect(errors, () => compileJoins(base.schema, base.operations), [] as Join[]);
    throwIfAny(errors);
    const { schema, composites } = compileComposites(input.composites, base.schema);
    const delegatedFields = collect(errors, () => compileDelegatedFields(schema, base.sources, base.operations, base.subscriptions), [] as DelegatedField[]);
    throwIfAny(errors);
    throwIfAny(checkTriggers(composites, base.sources));
    bindResolvers({
      schema,
      operations: base.operations,
      subscriptions: base.subscriptions,
      batchForms,
      joins,
      composites,
      delegatedFields,
      paused: options.pausedComposites,
    });
    assertNoUnresolvedRoots(schema, [...base.operations.keys(), ...base.subscriptions.keys(), ...base.builtinFields], composites);
    const plans = new Map(composites.map((c) => [c.plan.name, c.plan]));
    const recorded = new Map(input.composites.filter((f) => f.protocol).map((f) => [f.path, f.protocol!]));
    const overrides = new Map(composites.filter((c) => recorded.has(c.plan.file)).map((c) => [c.plan.name, recorded.get(c.plan.file)!]));
    // After binding: the checks wrap the resolvers; a graph without the directives has none.
    const authorization = compileAuthorization(schema);
    guardFields(schema, authorization);
    // Compiled on first use: a gateway without --cache never reads it, and a graph build does not pay for it.
    const cacheInputs = {
      composites: composites.map((c) => ({
        field: `${c.rootType}.${c.plan.name}`,
        stepDocuments: c.plan.steps.map((s) => s.document),
        resultTypes: c.resultTypeNames,
        definition: c.sdl,
        paused: options.pausedComposites?.has(c.plan.name) ?? false,
      })),
      guarded: [...authorization.keys(), ...perCallerFields(base.operations, joins)],
      sources: sourcesFingerprints(input, base.sources),
    };
    let cachePolicy: CachePolicy | undefined;
    return {
      // Last: everything above reads the configuration directives through the full schema.
      schema: publicSchemaOf(schema),
      fullSchema: schema,
      sources: base.sources,
      operations: base.operations,
      subscriptions: base.subscriptions,
      brokers: base.brokers,
      triggers: composites.flatMap((c) => (c.trigger && !options.pausedComposites?.has(c.plan.name) ? [c.trigger] : [])),
      plans,
      protocols: majorityProtocols(plans, base.operations, overrides),
      authorization,
      get cachePolicy() {
        return (cachePolicy ??= compileCachePolicy(schema, cacheInputs.composites, cacheInputs.guarded, cacheInputs.sources));
      },
      paused: options.pausedComposites ?? new Set(),
      close: base.close,
    };
  } catch (error) {
    await base.close();
    throw error;
  }
}

/**
 * The fields whose upstream calls carry headers of the caller's (`forwardHeaders`, a
 * `{jwt.…}` source header): their answers differ per caller, so the cache counts them
 * PRIVATE, as it does fields only some tokens may read.
 */
function perCallerFields(operations: ReadonlyMap<string, Operation>, joins: readonly Join[]): string[] {
  return [
    ...[...operations].filter(([, operation]) => hasCallerHeaders(operation.source)).map(([field]) => field),
    ...joins.filter((join) => hasCallerHeaders(join.operation.source)).map((join) => join.name),
  ];
}

/**
 * What the sources are, as built: each source's file and resolved configuration (its URL
 * after overrides, headers), hashed, and every source file together. A cached upstream
 * call is keyed by its own source's, so a change to one source starts only its calls
 * afresh; a cached answer, which may read any source, by all of them together.
 */
function sourcesFingerprints(input: SchemaInput, sources: ReadonlyMap<string, SourceConfig>): SourceFingerprints {
  const texts = new Map(input.sources.map((file) => [file.path, file.text]));
  const all = createHash('sha256');
  for (const file of [...input.sources].sort((a, b) => a.path.localeCompare(b.path))) all.update(`${file.path}\0${file.text}\0`);
  const bySource = new Map<string, string>();
  for (const source of [...sources.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const configuration = JSON.stringify([source.name, source.kind, source.url, source.headers, source.forwardHeaders, source.timeoutMs, source.options]);
    all.update(configuration);
    bySource.set(source.name, createHash('sha256').update(`${source.file}\0${texts.get(source.file) ?? ''}\0${configuration}`).digest('base64url'));
  }
  return { all: all.digest('base64url'), bySource };
}

function collect<T>(errors: SchemaError[], build: () => T, fallback: T): T {
  try {
    return build();
  } catch (error) {
    errors.push(...schemaErrorsOf(error));
    return fallback;
  }
}

// Every root field is an operation, a built-in or a composite; anything else would answer null silently.
function assertNoUnresolvedRoots(
  schema: GraphQLSchema,
  resolved: readonly string[],
  composites: readonly CompiledComposite[],
): void {
  const known = new Set([...resolved, ...composites.map((c) => `${c.rootType}.${c.plan.name}`)]);
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root || !isObjectType(root)) continue;
    for (const field of Object.keys(root.getFields())) {
      if (!known.has(`${root.name}.${field}`)) throw new Error(`internal: ${root.name}.${field} is not bound`);
    }
  }
}
