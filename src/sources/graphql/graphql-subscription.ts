import { SchemaError } from '../../errors/schema-error.js';
import { addCallerHeaders } from '../source-headers.js';
import type { OperationDefinition, RequestContext, SourceConfig, SubscriptionOperation } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { delegationPlanOf, type DelegationPlan } from './delegation-plan.js';
import type { GraphQLAnswer, GraphQLClient } from './graphql-client.js';
import { operationName, operationRequest } from './request-batches.js';
import { name as nameNode, rootFieldFetch } from './upstream-fetch.js';
import { rootFieldOfAnswer } from './upstream-result.js';
import { openUpstreamSubscription, type SubscriptionProtocol, type UpstreamEvent } from './upstream-subscription.js';

/** The response key the forwarded field is sent under, as the merged query fields are (`f0`). */
const ALIAS = 'f0';

/** One upstream result on its way to the client: a fresh object per event, read by `resolve`. */
interface ForwardedEvent {
  readonly answer: GraphQLAnswer;
  readonly plan: DelegationPlan;
}

/**
 * Compiles `@graphql` on a Subscription field: each client subscription opens one upstream
 * subscription (over graphql-ws or SSE, as the source says) with the client's selection
 * rewritten as for queries (upstream-selection.ts), and each upstream result becomes one
 * event, read as a query's answer is (upstream-result.ts): local type names, errors at the
 * client's paths, the source named. The upstream subscription ends with the client's.
 */
export function compileGraphQLSubscription(definition: OperationDefinition<GraphQLClient>): SubscriptionOperation {
  const { field, parentType, source, directiveArgs, node } = definition;
  const name = `${parentType}.${field.name}`;
  const at = node.directives?.find((d) => d.name.value === 'graphql') ?? node;
  const upstreamName = (directiveArgs.field as string | null | undefined) ?? field.name;
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(upstreamName)) {
    throw new SchemaError(`@graphql on ${name}: field "${upstreamName}" is not a GraphQL name`, at);
  }
  if (directiveArgs.operation !== undefined && directiveArgs.operation !== null) {
    throw new SchemaError(
      `@graphql on ${name}: operation: moves a Query or Mutation field between roots; a Subscription field is always forwarded as a subscription, so leave it out`,
      at,
    );
  }
  const endpoint = subscriptionEndpoint(source);
  return {
    name,
    source,
    async subscribe(args, context, info) {
      if (!info) {
        throw new UpstreamError(
          UpstreamErrorCode.BAD_RESPONSE,
          `${name} forwards a selection to GraphQL source "${source.name}", so it can only be subscribed to from a GraphQL document`,
          { source: source.name },
        );
      }
      const plan = delegationPlanOf(info.schema);
      const fetch = rootFieldFetch(plan, source.name, field, upstreamName, args, info);
      const request = operationRequest('subscription', operationName([fetch]), [...fetch.variableDefinitions], [{ ...fetch.field, alias: nameNode(ALIAS) }], {
        ...fetch.variables,
      });
      const headers = addCallerHeaders(source, context, { ...source.headers });
      const upstream = await openUpstreamSubscription({ source, url: endpoint.url, protocol: endpoint.protocol, request, headers, label: name });
      return forwarded(upstream, plan, endingSignal(context));
    },
    resolve(event) {
      if (event instanceof Error) throw event;
      const { answer, plan } = event as ForwardedEvent;
      const value = rootFieldOfAnswer(answer, ALIAS, [ALIAS], source.name, plan);
      if (value instanceof Error) throw value;
      return value;
    },
  };
}

/** Where and how the source's subscriptions go: `subscriptionUrl` / `subscriptionProtocol`, else the url (ws:// for WS). */
function subscriptionEndpoint(source: SourceConfig): { url: string; protocol: SubscriptionProtocol } {
  const protocol = (source.options.subscriptionProtocol as SubscriptionProtocol | null | undefined) ?? 'WS';
  const given = source.options.subscriptionUrl as string | null | undefined;
  const base = given ?? source.url;
  const schemes = protocol === 'WS' ? ['ws:', 'wss:'] : ['http:', 'https:'];
  let url: URL;
  try {
    url = new URL(base ?? '');
  } catch {
    throw new SchemaError(`source "${source.name}": subscriptionUrl "${base}" is not a URL; write a ${schemes.join(' or ')}// URL`, source.location);
  }
  if (!given && protocol === 'WS') url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  if (!schemes.includes(url.protocol)) {
    throw new SchemaError(
      `source "${source.name}": subscriptionUrl "${base}" has scheme ${url.protocol}, but subscriptionProtocol ${protocol} needs ${schemes.map((s) => `${s}//`).join(' or ')}`,
      source.location,
    );
  }
  return { url: url.toString(), protocol };
}

/** Aborted when the client goes away or the gateway stops: either ends the upstream subscription too. */
function endingSignal(context: RequestContext): AbortSignal | undefined {
  const signals = [context.request?.signal, context.stopping].filter((signal): signal is AbortSignal => signal !== undefined);
  return signals.length > 0 ? AbortSignal.any(signals) : undefined;
}

/** The upstream's events as the field's events; ending either side ends the other. */
function forwarded(upstream: AsyncIterableIterator<UpstreamEvent>, plan: DelegationPlan, signal: AbortSignal | undefined): AsyncIterableIterator<unknown> {
  const stop = () => void upstream.return?.();
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  const finish = () => signal?.removeEventListener('abort', stop);
  const iterator: AsyncIterableIterator<unknown> = {
    async next() {
      const step = await upstream.next();
      if (step.done) {
        finish();
        return { value: undefined, done: true };
      }
      const event = step.value;
      return { value: event instanceof Error ? event : ({ answer: event, plan } satisfies ForwardedEvent), done: false };
    },
    async return() {
      finish();
      await upstream.return?.();
      return { value: undefined, done: true };
    },
    async throw(error) {
      finish();
      await upstream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
