import DataLoader from 'dataloader';
import { Kind, print, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import type { RequestContext } from '../protocol.js';
import { loaderScope } from '../loader-scope.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import type { DelegationPlan } from './delegation-plan.js';
import type { GraphQLAnswer, GraphQLClient, GraphQLRequest } from './graphql-client.js';
import { adopt, placeAll, rootFieldOfAnswer } from './upstream-result.js';
import { name, prefixed, variableDefinition, type UpstreamFetch } from './upstream-fetch.js';

/** A field to fetch for one entity: the entity's representation and the field, rewritten for the subgraph. */
export interface EntityFetch extends UpstreamFetch {
  readonly representation: Readonly<Record<string, unknown>>;
}

type Loaders = Map<string, DataLoader<UpstreamFetch, unknown, string>>;
const perRequest = new WeakMap<object, Loaders>();

/**
 * Sends a query's root field, merged with the other root fields asked of the same source
 * in the same tick into one operation (one round trip); each gets back its own part, with
 * the upstream's errors at their paths. Identical fetches in a request are sent once.
 */
export function loadRootField(client: GraphQLClient, plan: DelegationPlan, fetch: UpstreamFetch, context: RequestContext): Promise<unknown> {
  return loaderOf(loaderScope(context, undefined), `root ${client.source.name}`, () => new DataLoader(
    (fetches: readonly UpstreamFetch[]) => sendRootFields(client, plan, fetches, 'query', context),
    { cacheKeyFn: (f) => f.key },
  )).load(fetch);
}

/** Sends a mutation's root field alone: mutations run one after another, in the client's order. */
export async function sendMutationField(client: GraphQLClient, plan: DelegationPlan, fetch: UpstreamFetch, context: RequestContext): Promise<unknown> {
  const [result] = await sendRootFields(client, plan, [fetch], 'mutation', context);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * Fetches a field of an entity from the subgraph that owns it, through `_entities`: all
 * the fetches of one type in one tick go out as one call, each representation once, each
 * distinct field selection once (aliased `e0`, `e1`, …).
 */
export function loadEntityField(
  client: GraphQLClient,
  plan: DelegationPlan,
  typeName: string,
  fetch: EntityFetch,
  context: RequestContext,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  return loaderOf(loaderScope(context, info), `entities ${client.source.name} ${typeName}`, () => new DataLoader(
    (fetches: readonly UpstreamFetch[]) => sendEntityFields(client, plan, typeName, fetches as readonly EntityFetch[], context),
    { cacheKeyFn: (f) => `${JSON.stringify((f as EntityFetch).representation)} ${f.key}` },
  )).load(fetch);
}

function loaderOf(scope: object | undefined, id: string, create: () => DataLoader<UpstreamFetch, unknown, string>): DataLoader<UpstreamFetch, unknown, string> {
  // Without a request object there is nothing to batch within.
  if (!scope) return create();
  let loaders = perRequest.get(scope);
  if (!loaders) {
    loaders = new Map();
    perRequest.set(scope, loaders);
  }
  let loader = loaders.get(id);
  if (!loader) {
    loader = create();
    loaders.set(id, loader);
  }
  return loader;
}

async function sendRootFields(
  client: GraphQLClient,
  plan: DelegationPlan,
  fetches: readonly UpstreamFetch[],
  operation: 'query' | 'mutation',
  context: RequestContext,
): Promise<unknown[]> {
  const fields: FieldNode[] = [];
  const definitions: VariableDefinitionNode[] = [];
  const variables: Record<string, unknown> = {};
  fetches.forEach((fetch, i) => {
    const part = prefixed(fetch, fetches.length === 1 ? '' : `f${i}_`);
    fields.push({ ...part.field, alias: name(`f${i}`) });
    definitions.push(...part.definitions);
    Object.assign(variables, part.values);
  });
  const label = fetches.length === 1 ? fetches[0].label : `${fetches.length} fields (${fetches.map((f) => f.label).join(', ')})`;
  const request = operationRequest(operation, operationName(fetches), definitions, fields, variables);
  const answer = await sendOrError(client, request, label, context, operation === 'query');
  if (answer instanceof Error) return fetches.map(() => answer);
  const aliases = fetches.map((_, i) => `f${i}`);
  return aliases.map((alias) => rootFieldOfAnswer(answer, alias, aliases, client.source.name, plan));
}

async function sendEntityFields(
  client: GraphQLClient,
  plan: DelegationPlan,
  typeName: string,
  fetches: readonly EntityFetch[],
  context: RequestContext,
): Promise<unknown[]> {
  const representations: unknown[] = [];
  const representationIndex = new Map<string, number>();
  const selections = new Map<string, { alias: string; field: FieldNode; definitions: VariableDefinitionNode[]; values: Record<string, unknown> }>();
  const variables: Record<string, unknown> = {};
  const placed = fetches.map((fetch) => {
    const id = JSON.stringify(fetch.representation);
    let index = representationIndex.get(id);
    if (index === undefined) {
      index = representations.push(fetch.representation) - 1;
      representationIndex.set(id, index);
    }
    let selection = selections.get(fetch.key);
    if (!selection) {
      const alias = `e${selections.size}`;
      const part = prefixed(fetch, `${alias}_`);
      selection = { alias, field: { ...part.field, alias: name(alias) }, definitions: part.definitions, values: part.values };
      selections.set(fetch.key, selection);
      Object.assign(variables, part.values);
    }
    return { index, alias: selection.alias };
  });
  const upstreamType = plan.upstreamTypeName(typeName);
  const entitiesField: FieldNode = {
    kind: Kind.FIELD,
    name: name('_entities'),
    arguments: [{ kind: Kind.ARGUMENT, name: name('representations'), value: { kind: Kind.VARIABLE, name: name('representations') } }],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: { kind: Kind.NAMED_TYPE, name: name(upstreamType) },
          selectionSet: { kind: Kind.SELECTION_SET, selections: [...selections.values()].map((s) => s.field) },
        },
      ],
    },
  };
  const definitions = [
    variableDefinition('representations', {
      kind: Kind.NON_NULL_TYPE,
      type: { kind: Kind.LIST_TYPE, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('_Any') } } },
    }),
    ...[...selections.values()].flatMap((s) => s.definitions),
  ];
  const request = operationRequest('query', `Skein_entities_${upstreamType}`, definitions, [entitiesField], { representations, ...variables });
  const label = `_entities(${upstreamType}) for ${[...new Set(fetches.map((f) => f.label))].join(', ')}`;
  const answer = await sendOrError(client, request, label, context, true);
  if (answer instanceof Error) return fetches.map(() => answer);
  const source = client.source.name;
  const entities = answer.data?._entities;
  if (!Array.isArray(entities)) {
    const reason = answer.errors[0];
    const error = new UpstreamError(
      reason ? UpstreamErrorCode.GRAPHQL_ERROR : UpstreamErrorCode.BAD_RESPONSE,
      reason
        ? `Source "${source}" could not resolve ${upstreamType} entities: ${reason.message}`
        : `Source "${source}" answered ${label} without an _entities list`,
      { source, ...(typeof reason?.extensions?.code === 'string' ? { upstreamCode: reason.extensions.code } : {}) },
    );
    return fetches.map(() => error);
  }
  adopt(entities, source, plan);
  placeAll({ _entities: entities }, answer.errors, source);
  return placed.map(({ index, alias }) => {
    const entity = entities[index] as Record<string, unknown> | Error | null | undefined;
    if (entity instanceof Error) return entity;
    if (entity === null || entity === undefined) {
      const { __typename: _, ...key } = representations[index] as Record<string, unknown>;
      return new UpstreamError(
        UpstreamErrorCode.ENTITY_NOT_FOUND,
        `Source "${source}" has no ${typeName} with key ${JSON.stringify(key)} (its _entities answered null for it)`,
        { source },
      );
    }
    return entity[alias] ?? null;
  });
}

async function sendOrError(client: GraphQLClient, request: GraphQLRequest, label: string, context: RequestContext, idempotent: boolean): Promise<GraphQLAnswer | Error> {
  try {
    return await client.send(request, label, context, idempotent);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** One upstream operation of the given fields, named `operationName`, printed. */
export function operationRequest(
  operation: 'query' | 'mutation' | 'subscription',
  operationName: string,
  definitions: VariableDefinitionNode[],
  fields: FieldNode[],
  variables: Record<string, unknown>,
): GraphQLRequest {
  const node: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: operation as OperationDefinitionNode['operation'],
    name: name(operationName),
    variableDefinitions: definitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  return { query: print(node), variables, operationName };
}

/** `Skein_Query_product`, or `Skein_Query_product_Query_user` for a merged operation. */
export function operationName(fetches: readonly UpstreamFetch[]): string {
  const names = [...new Set(fetches.map((f) => f.label.replace(/\./g, '_')))];
  return `Skein_${names.slice(0, 4).join('_')}${names.length > 4 ? '_etc' : ''}`;
}
