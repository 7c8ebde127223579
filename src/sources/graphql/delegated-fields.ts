import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Operation, RequestContext, SourceConfig, SubscriptionOperation } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { wireNameOf } from '../wire-names.js';
import { delegationPlanOf, parseFieldSet, type DelegationPlan } from './delegation-plan.js';
import { SchemaError, throwIfAny } from '../../errors/schema-error.js';
import { directiveValues } from '../source-directive.js';
import type { GraphQLClient } from './graphql-client.js';
import { loadEntityField } from './request-batches.js';
import { entityFieldFetch, scopeOf } from './upstream-fetch.js';
import { ownFieldOf, upstreamField } from './upstream-selection.js';
import { ORIGIN } from './upstream-result.js';

/** A resolver to set on one field of a type whose objects come from GraphQL sources. */
export interface DelegatedField {
  readonly typeName: string;
  readonly fieldName: string;
  readonly resolve: GraphQLFieldResolver<unknown, unknown>;
}

const clients = new WeakMap<SourceConfig, GraphQLClient>();

/** Records the client `connect` made for a source, for the entity fields that call it. */
export function rememberClient(source: SourceConfig, client: GraphQLClient): void {
  clients.set(source, client);
}

/**
 * The resolvers of the fields of every object type whose values come from GraphQL
 * sources: the types their root fields return, Subscription ones included (and what those reach), and every
 * `@entity` type. A field reads the parent's value under the client's response key (the
 * upstream answered with the client's aliases); a field the parent's source left out
 * because another subgraph owns it is fetched from that subgraph through `_entities`,
 * by the parent's key. Objects from REST or SOAP (a REST type joined to an entity)
 * are read by wire name, and fetched the same way when they lack the field.
 * Fields with `@join` keep theirs.
 */
export function compileDelegatedFields(
  schema: GraphQLSchema,
  sources: ReadonlyMap<string, SourceConfig>,
  operations: ReadonlyMap<string, Operation>,
  subscriptions: ReadonlyMap<string, SubscriptionOperation> = new Map(),
): DelegatedField[] {
  throwIfAny(entityErrors(schema, sources));
  const plan = delegationPlanOf(schema);
  const roots: GraphQLNamedType[] = [];
  for (const [name, operation] of [...operations, ...subscriptions]) {
    if (operation.source.kind !== 'GRAPHQL') continue;
    const [typeName, fieldName] = name.split('.');
    const type = schema.getType(typeName);
    if (isObjectType(type)) roots.push(getNamedType(type.getFields()[fieldName].type));
  }
  for (const type of Object.values(schema.getTypeMap())) if (plan.keysOf(type.name).length > 0) roots.push(type);
  const bindings: DelegatedField[] = [];
  for (const type of reachableObjectTypes(schema, plan, roots)) {
    for (const field of Object.values(type.getFields())) {
      if (plan.joinInputsOf(type.name, field.name)) continue;
      bindings.push({
        typeName: type.name,
        fieldName: field.name,
        resolve: delegatedResolver(type, field.name, wireNameOf(field) ?? field.name, plan, sources),
      });
    }
  }
  return bindings;
}

/** Each `@entity` names a federation subgraph, and its key names fields the type has. */
function entityErrors(schema: GraphQLSchema, sources: ReadonlyMap<string, SourceConfig>): SchemaError[] {
  const errors: SchemaError[] = [];
  const directive = schema.getDirective('entity');
  if (!directive) return errors;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const node of [type.astNode, ...type.extensionASTNodes]) {
      for (const applied of node?.directives ?? []) {
        if (applied.name.value !== 'entity') continue;
        const { source: sourceName, key } = directiveValues(directive, applied) as { source: string; key: string };
        const at = `@entity(source: "${sourceName}", key: "${key}") on ${type.name}`;
        const source = sources.get(sourceName);
        if (!source) {
          const known = [...sources.values()].filter((s) => s.kind === 'GRAPHQL').map((s) => `"${s.name}"`).join(', ') || 'none';
          errors.push(new SchemaError(`${at}: no source "${sourceName}" is declared (GRAPHQL sources: ${known})`, applied));
          continue;
        }
        if (source.kind !== 'GRAPHQL' || source.options.federation !== true) {
          errors.push(
            new SchemaError(
              `${at}: source "${sourceName}" is ${source.kind === 'GRAPHQL' ? 'not marked as a federation subgraph; add federation: true to its @source' : `of kind ${source.kind}; entities are looked up in GRAPHQL sources with federation: true (join a REST or SOAP field with @join instead)`}`,
              applied,
            ),
          );
          continue;
        }
        let fields;
        try {
          fields = parseFieldSet(key);
        } catch (error) {
          errors.push(new SchemaError(`${at}: the key is not a field set (${(error as Error).message}); write it as in @key(fields:), e.g. "id" or "id organization { id }"`, applied));
          continue;
        }
        const missing = missingKeyField(type, fields);
        if (missing) errors.push(new SchemaError(`${at}: ${missing}; a key names fields of the type, which the subgraph looks the entity up by`, applied));
      }
    }
  }
  return errors;
}

function missingKeyField(type: GraphQLObjectType, fields: SelectionSetNode): string | undefined {
  for (const selection of fields.selections) {
    if (selection.kind !== Kind.FIELD) return `only fields may be named in a key`;
    const field = type.getFields()[selection.name.value];
    if (!field) return `${type.name} has no field "${selection.name.value}" (it has: ${Object.keys(type.getFields()).join(', ')})`;
    if (selection.selectionSet) {
      const inner = getNamedType(field.type);
      if (!isObjectType(inner)) return `${type.name}.${field.name} is not an object, so it takes no { … }`;
      const nested = missingKeyField(inner, selection.selectionSet);
      if (nested) return nested;
    }
  }
  return undefined;
}

function reachableObjectTypes(schema: GraphQLSchema, plan: DelegationPlan, roots: readonly GraphQLNamedType[]): GraphQLObjectType[] {
  const seen = new Set<string>();
  const out: GraphQLObjectType[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const type = queue.pop()!;
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (isAbstractType(type)) queue.push(...schema.getPossibleTypes(type));
    if (!isObjectType(type) || type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    out.push(type);
    for (const field of Object.values(type.getFields())) {
      if (!plan.joinInputsOf(type.name, field.name)) queue.push(getNamedType(field.type));
    }
  }
  return out;
}

function delegatedResolver(
  type: GraphQLObjectType,
  fieldName: string,
  wireName: string,
  plan: DelegationPlan,
  sources: ReadonlyMap<string, SourceConfig>,
): GraphQLFieldResolver<unknown, unknown> {
  const owners = plan.ownersOf(type.name, fieldName);
  return (parent, _args, context, info) => {
    if (parent === null || typeof parent !== 'object') return null;
    const object = parent as Record<string | symbol, unknown>;
    const origin = object[ORIGIN] as string | undefined;
    if (origin !== undefined) {
      if (info.path.key in object) return object[info.path.key];
    } else if (object[wireName] !== undefined) {
      return object[wireName];
    }
    if (owners.size === 0 || (origin !== undefined && owners.has(origin))) return null;
    return fetchFromOwner(type, owners, plan, sources, object, origin, info, context as RequestContext);
  };
}

/** Asks the first subgraph that owns the field for it, by the parent's key. */
function fetchFromOwner(
  type: GraphQLObjectType,
  owners: ReadonlySet<string>,
  plan: DelegationPlan,
  sources: ReadonlyMap<string, SourceConfig>,
  parent: Record<string | symbol, unknown>,
  origin: string | undefined,
  info: GraphQLResolveInfo,
  context: RequestContext,
): Promise<unknown> | null {
  const owner = [...owners].find((name) => plan.keyFor(type.name, name));
  const key = owner && plan.keyFor(type.name, owner);
  if (!owner || !key) return null;
  const source = sources.get(owner);
  const client = source && clients.get(source);
  if (!client) {
    throw new UpstreamError(UpstreamErrorCode.SOURCE_UNAVAILABLE, `Source "${owner}" is unavailable, so ${type.name}.${info.fieldName} cannot be fetched`, {
      source: owner,
    });
  }
  const representation = representationOf(type, key.fields, parent, origin !== undefined, plan);
  if (typeof representation === 'string') {
    throw new UpstreamError(
      UpstreamErrorCode.BAD_RESPONSE,
      `${type.name}.${info.fieldName} comes from source "${owner}", which looks ${type.name} up by its key, but ${representation}`,
      { source: owner },
    );
  }
  const scope = scopeOf(plan, owner, info);
  const field = type.getFields()[info.fieldName];
  const fetch = entityFieldFetch(plan, upstreamField(scope, field, info.fieldNodes), info, scope);
  return loadEntityField(client, plan, type.name, { ...fetch, representation }, context, info);
}

/** `{ __typename, …key fields }` read from the parent, or what is missing. */
function representationOf(
  type: GraphQLObjectType,
  key: SelectionSetNode,
  parent: Record<string | symbol, unknown>,
  fromGraphQL: boolean,
  plan: DelegationPlan,
): Record<string, unknown> | string {
  const values = keyValues(type, key, parent, fromGraphQL);
  return typeof values === 'string' ? values : { __typename: plan.upstreamTypeName(type), ...values };
}

function keyValues(type: GraphQLObjectType, key: SelectionSetNode, parent: Record<string | symbol, unknown>, fromGraphQL: boolean, top = true): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  for (const selection of key.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    const field = type.getFields()[name];
    const value = fromGraphQL || !field ? (top ? ownFieldOf(parent as Record<string, unknown>, name) : parent[name]) : parent[wireNameOf(field) ?? name];
    if (value === undefined || value === null) return `the ${type.name} it was given has no ${name}`;
    if (selection.selectionSet) {
      const inner = field && getNamedType(field.type);
      if (!isObjectType(inner) || typeof value !== 'object') return `${type.name}.${name} is not an object`;
      const nested = keyValues(inner, selection.selectionSet, value as Record<string, unknown>, fromGraphQL, false);
      if (typeof nested === 'string') return nested;
      out[name] = nested;
    } else {
      out[name] = value;
    }
  }
  return out;
}
