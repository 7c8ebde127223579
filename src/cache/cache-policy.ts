import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isUnionType,
  BREAK,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { CACHE_CONTROL_DIRECTIVE, cacheHintOf, type CacheHint, type CacheScope } from './cache-control-directive.js';

/** What an answer may be cached for: 0 is "not at all". */
export interface AnswerPolicy {
  readonly maxAge: number;
  readonly scope: CacheScope;
}

/** What one operation's answer may be cached for, and what it depends on besides the sources. */
export interface DocumentPolicy extends AnswerPolicy {
  /** The composites the operation runs (their fields' coordinates): their fingerprints belong in its cache key. */
  readonly composites: readonly string[];
}

export const NOT_CACHEABLE: DocumentPolicy = { maxAge: 0, scope: 'PUBLIC', composites: [] };

/** A composite as the policy sees it: its field, the steps it runs and the types that mirror its selection. */
export interface CompositeCacheInput {
  /** `Query.hotelOrder`. */
  readonly field: string;
  readonly stepDocuments: readonly DocumentNode[];
  /** Its generated result types: their fields inherit the composite's hint. */
  readonly resultTypes: readonly string[];
  /** What defines it besides its steps (its field's SDL: arguments, directives, result types), for its fingerprint. */
  readonly definition: string;
  /** Paused composites answer COMPOSITE_PAUSED: a change of that state is a change of the composite. */
  readonly paused: boolean;
}

/**
 * The cache hints of one schema, compiled once per graph: every `@cacheControl` on a
 * type or field, and every composite's, as data that can be printed and compared.
 * `answerPolicy` reads it to say what one operation's answer may be cached for.
 */
export interface CachePolicy {
  /** Hints on object, interface and union types, by name. */
  readonly types: ReadonlyMap<string, CacheHint>;
  /** Hints on fields, by coordinate (`Query.user`); a composite's is computed (see compileCachePolicy). */
  readonly fields: ReadonlyMap<string, CacheHint>;
  /**
   * The Query fields whose upstream calls may be cached on their own, by coordinate: those
   * with a maxAge above 0 (their own, else their type's), and for whom.
   */
  readonly calls: ReadonlyMap<string, AnswerPolicy>;
  /**
   * A fingerprint of every source as built (SDL and resolved configuration): part of every
   * answer's key, so a change to any source starts every answer afresh.
   */
  readonly sourcesVersion: string;
  /**
   * A fingerprint of each source (its file and resolved configuration), by name: part of
   * the key of each upstream call to it, so a change to one source starts only its calls afresh.
   */
  readonly sourceVersions: ReadonlyMap<string, string>;
  /**
   * A fingerprint of each composite (by field coordinate): its definition, steps, paused
   * state and the composites it uses. Part of the key of every answer that runs it, so a
   * change to one composite starts only its answers afresh.
   */
  readonly composites: ReadonlyMap<string, string>;
}

/** A schema without any hint: every answer is not cacheable, and nothing is computed per request. */
export const EMPTY_CACHE_POLICY: CachePolicy = { types: new Map(), fields: new Map(), calls: new Map(), sourcesVersion: '', sourceVersions: new Map(), composites: new Map() };

/** The sources' fingerprints as graph/ computes them: all together, and each one's. */
export interface SourceFingerprints {
  readonly all: string;
  readonly bySource: ReadonlyMap<string, string>;
}

/**
 * Reads every `@cacheControl` of a built schema. A composite's field gets the hint of its
 * operation (`query hotelOrder(…) @cacheControl(maxAge: 60)`), made PRIVATE when what any
 * of its steps reads is; without one, the policy of its steps together (Apollo's rules
 * over each step's document), so a composite of cacheable fields is cacheable as it is.
 * The fields of its result types inherit: the composite is one answer. `guarded` fields
 * (authorization, or calls carrying the caller's headers) count PRIVATE.
 */
export function compileCachePolicy(
  schema: GraphQLSchema,
  composites: readonly CompositeCacheInput[] = [],
  guarded: Iterable<string> = [],
  sources: SourceFingerprints = { all: '', bySource: new Map() },
): CachePolicy {
  const directive = schema.getDirective(CACHE_CONTROL_DIRECTIVE);
  if (!directive) return EMPTY_CACHE_POLICY;
  const fingerprints = new Map<string, string>();
  const types = new Map<string, CacheHint>();
  const fields = new Map<string, CacheHint>();
  const calls = new Map<string, AnswerPolicy>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type) || isInterfaceType(type) || isUnionType(type)) {
      const hint = cacheHintOf([type.astNode, ...(type.extensionASTNodes ?? [])].filter((n) => n != null), directive);
      if (hint) types.set(type.name, hint);
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const hint = field.astNode ? cacheHintOf([field.astNode], directive) : undefined;
        if (hint) fields.set(`${type.name}.${field.name}`, hint);
      }
    }
  }
  // A field only some tokens may read, or whose calls carry the caller's headers, is PRIVATE:
  // an answer that reads it is kept per subject and scopes, so a cached answer never reaches
  // a request that may not read it, nor one another caller's upstream answered.
  for (const coordinate of guarded) fields.set(coordinate, { ...fields.get(coordinate), scope: 'PRIVATE' });
  const policy: CachePolicy = { types, fields, calls, sourcesVersion: sources.all, sourceVersions: sources.bySource, composites: fingerprints };
  // In the order they were compiled: a composite that uses another comes after it.
  for (const composite of composites) {
    for (const name of composite.resultTypes) {
      const type = schema.getType(name);
      if (!isObjectType(type)) continue;
      for (const field of Object.keys(type.getFields())) fields.set(`${name}.${field}`, { inheritMaxAge: true });
    }
    let steps: AnswerPolicy | undefined;
    const fingerprint = createHash('sha256').update(composite.definition).update(composite.paused ? '\0paused' : '\0served');
    for (const document of composite.stepDocuments) {
      const step = answerPolicy(policy, schema, document, undefined, undefined);
      steps = restrict(steps, step);
      fingerprint.update(`\0${print(document)}`);
      for (const used of step.composites) fingerprint.update(`\0${fingerprints.get(used) ?? used}`);
    }
    fingerprints.set(composite.field, fingerprint.digest('base64url'));
    const own = fields.get(composite.field);
    const scope = own?.scope === 'PRIVATE' || steps?.scope === 'PRIVATE' ? 'PRIVATE' : 'PUBLIC';
    if (own?.maxAge !== undefined) fields.set(composite.field, { maxAge: own.maxAge, scope });
    else if (steps) fields.set(composite.field, { maxAge: steps.maxAge, scope });
  }
  const query = schema.getQueryType();
  const compositeFields = new Set(composites.map((c) => c.field));
  for (const field of Object.values(query?.getFields() ?? {})) {
    // A composite calls nothing itself: its steps' fields do.
    if (compositeFields.has(`${query!.name}.${field.name}`)) continue;
    const returns = getNamedType(field.type);
    const typeHint = isCompositeType(returns) ? types.get(returns.name) : undefined;
    const own = fields.get(`${query!.name}.${field.name}`);
    const maxAge = own?.maxAge ?? typeHint?.maxAge;
    if (maxAge) calls.set(`${query!.name}.${field.name}`, { maxAge, scope: own?.scope ?? typeHint?.scope ?? 'PUBLIC' });
  }
  return policy;
}

/**
 * What the answer to one operation may be cached for, by Apollo's rules, read from the
 * document before it runs: the least maxAge of every field it selects (through fragments;
 * `@skip`/`@include` honoured when their variables are given), where a field's hint is
 * its return type's, replaced by its own; a root field, and a field returning an object,
 * without a maxAge counts as 0 unless it says `inheritMaxAge`; a scalar inherits. One
 * PRIVATE makes it PRIVATE (said even at maxAge 0, "not cacheable", for the composites
 * built on it). Mutations and subscriptions are never cacheable. Read before execution,
 * so it is an upper bound of what Apollo computes while resolving: a fragment on a type
 * the answer turns out not to hold still counts.
 */
export function answerPolicy(
  policy: CachePolicy,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): DocumentPolicy {
  const operation = operationOf(document, operationName);
  if (!operation || operation.operation !== 'query') return NOT_CACHEABLE;
  if (policy.fields.size === 0 && policy.types.size === 0) return NOT_CACHEABLE;
  const root = schema.getQueryType();
  let least: number | undefined;
  let scope: CacheScope = 'PUBLIC';
  let composites: string[] | undefined;
  // Only the chosen operation and the fragments: other operations of the document do not run.
  const scoped: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    scoped,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        if (node.kind !== Kind.FIELD && node.kind !== Kind.INLINE_FRAGMENT && node.kind !== Kind.FRAGMENT_SPREAD) return undefined;
        if (skipped(node, variables)) return false;
        if (node.kind !== Kind.FIELD) return undefined;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return undefined;
        const returns = getNamedType(field.type);
        const composite = isCompositeType(returns);
        let maxAge: number | undefined;
        let fieldScope: CacheScope | undefined;
        let inherit = false;
        if (composite) {
          const typeHint = policy.types.get(returns.name);
          maxAge = typeHint?.maxAge;
          fieldScope = typeHint?.scope;
          inherit = typeHint?.inheritMaxAge === true;
        }
        const coordinate = `${parent.name}.${field.name}`;
        if (policy.composites.has(coordinate)) (composites ??= []).push(coordinate);
        const own = policy.fields.get(coordinate);
        if (own?.inheritMaxAge && maxAge === undefined) {
          inherit = true;
          fieldScope = own.scope ?? fieldScope;
        } else if (own) {
          maxAge = own.maxAge ?? maxAge;
          fieldScope = own.scope ?? fieldScope;
        }
        if (maxAge === undefined && ((composite && !inherit) || parent === root)) maxAge = 0;
        if (fieldScope === 'PRIVATE') scope = 'PRIVATE';
        if (maxAge !== undefined && (least === undefined || maxAge < least)) least = maxAge;
        return undefined;
      },
    }),
  );
  // The scope is kept even at 0: a composite whose own hint sets its maxAge reads its steps' scope.
  return { maxAge: least ?? 0, scope, composites: composites ?? [] };
}

/**
 * Whether an operation's policy can change with its variables: some `@skip`/`@include`
 * reads one. When not, a document's policy may be kept with it.
 */
export function policyDependsOnVariables(document: DocumentNode): boolean {
  let depends = false;
  visit(document, {
    Directive(node) {
      if ((node.name.value === 'skip' || node.name.value === 'include') && node.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) {
        depends = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return depends;
}

/** Prints a policy, one hint a line, sorted: for tests, and for an operator asking why. */
export function printCachePolicy(policy: CachePolicy): string {
  const line = (name: string, hint: CacheHint) =>
    `${name}: ${[hint.maxAge !== undefined ? `maxAge ${hint.maxAge}` : undefined, hint.scope, hint.inheritMaxAge ? 'inheritMaxAge' : undefined]
      .filter(Boolean)
      .join(', ')}`;
  return [
    ...[...policy.types].sort(([a], [b]) => a.localeCompare(b)).map(([name, hint]) => line(`type ${name}`, hint)),
    ...[...policy.fields].sort(([a], [b]) => a.localeCompare(b)).map(([name, hint]) => line(name, hint)),
  ].join('\n');
}

function restrict(a: AnswerPolicy | undefined, b: AnswerPolicy): AnswerPolicy {
  if (!a) return b;
  return { maxAge: Math.min(a.maxAge, b.maxAge), scope: a.scope === 'PRIVATE' || b.scope === 'PRIVATE' ? 'PRIVATE' : 'PUBLIC' };
}

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (name ? definition.name?.value === name : found === undefined) found = definition;
    else if (!name) return undefined; // several operations and no name: graphql-js refuses it
  }
  return found;
}

/** `@skip(if: true)` or `@include(if: false)`; a variable not given counts as selected (the upper bound). */
function skipped(node: { readonly directives?: readonly DirectiveNode[] }, variables: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (!node.directives?.length) return false;
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables ?? undefined)?.if === true) return true;
    if (getDirectiveValues(GraphQLIncludeDirective, node, variables ?? undefined)?.if === false) return true;
  } catch {
    return false;
  }
  return false;
}
