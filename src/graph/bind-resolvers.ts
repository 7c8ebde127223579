import { GraphQLError, Kind, type GraphQLField, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { RequestLoaders, type BatchForm } from '../batching/index.js';
import {
  executePlan,
  externalArguments,
  compositeFieldResolver,
  type CompiledComposite,
} from '../composite/index.js';
import type { Join } from '../joins/index.js';
import { loaderScope, type DelegatedField, type Operation, type RequestContext, type SubscriptionOperation } from '../sources/index.js';

export interface Bindings {
  readonly schema: GraphQLSchema;
  readonly operations: ReadonlyMap<string, Operation>;
  readonly subscriptions: ReadonlyMap<string, SubscriptionOperation>;
  readonly batchForms: ReadonlyMap<string, BatchForm>;
  readonly joins: readonly Join[];
  readonly composites: readonly CompiledComposite[];
  /** Fields of types whose objects come from GraphQL sources (sources/graphql). */
  readonly delegatedFields?: readonly DelegatedField[];
  readonly paused?: ReadonlySet<string>;
}

/**
 * Sets the resolver of every field Skein fetches: root fields and joins load through
 * the request's loaders (one set per request context, shared by composite steps, so
 * identical calls are made once and batch forms apply across all of them); composite
 * fields run their plan; subscription fields read their event source.
 */
export function bindResolvers({ schema, operations, subscriptions, batchForms, joins, composites, delegatedFields, paused }: Bindings): void {
  const perRequest = new WeakMap<object, RequestLoaders>();
  const loadersOf = (context: unknown, info: GraphQLResolveInfo | undefined): RequestLoaders => {
    const scope = loaderScope(context, info);
    if (!scope) return new RequestLoaders(batchForms, {});
    let loaders = perRequest.get(scope);
    if (!loaders) {
      loaders = new RequestLoaders(batchForms, (context && typeof context === 'object' ? context : {}) as RequestContext);
      perRequest.set(scope, loaders);
    }
    return loaders;
  };
  const load = (operation: Operation, args: Readonly<Record<string, unknown>>, context: unknown, info: GraphQLResolveInfo) =>
    loadersOf(context, info).load(operation, args, info);

  for (const [name, operation] of operations) {
    const [type, field] = name.split('.');
    fieldOf(schema, type, field).resolve = (_root, args, context, info) => load(operation, args, context, info);
  }
  for (const delegated of delegatedFields ?? []) fieldOf(schema, delegated.typeName, delegated.fieldName).resolve = delegated.resolve;
  // Subscription fields: the event stream, each event resolved to the field's value (a malformed one to an error).
  for (const [name, subscription] of subscriptions) {
    const [type, fieldName] = name.split('.');
    const field = fieldOf(schema, type, fieldName);
    field.subscribe = (_root, args, context, info) =>
      subscription.subscribe(args, context && typeof context === 'object' ? (context as RequestContext) : {}, info);
    field.resolve = (event) => subscription.resolve(event);
  }
  for (const join of joins) fieldOf(schema, join.parentType, join.fieldName).resolve = join.resolver(load);
  for (const composite of composites) {
    const { plan } = composite;
    const field = fieldOf(schema, composite.rootType, plan.name);
    if (paused?.has(plan.name)) {
      field.resolve = () => {
        throw new GraphQLError(`Composite "${plan.name}" is paused; it answers again once it is resumed`, {
          extensions: { code: 'COMPOSITE_PAUSED', composite: plan.name },
        });
      };
      continue;
    }
    field.resolve = (_root, args, context, info) =>
      executePlan({
        plan,
        schema,
        variables: externalArguments(field.args, args),
        context: context && typeof context === 'object' ? context : {},
        selected: selectedKeys(info),
      });
    for (const typeName of composite.resultTypeNames) {
      const type = schema.getType(typeName);
      if (type && 'getFields' in type) {
        for (const resultField of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
          resultField.resolve = compositeFieldResolver(resultField.type);
        }
      }
    }
  }
}

function fieldOf(schema: GraphQLSchema, typeName: string, fieldName: string): GraphQLField<unknown, unknown> {
  const type = schema.getType(typeName);
  const field = type && 'getFields' in type ? (type.getFields()[fieldName] as GraphQLField<unknown, unknown>) : undefined;
  if (!field) throw new Error(`internal: ${typeName}.${fieldName} is missing from the schema`);
  return field;
}

/** The response keys the client selected directly under this field (through fragments). */
function selectedKeys(info: GraphQLResolveInfo): Set<string> {
  const keys = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) keys.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return keys;
}
