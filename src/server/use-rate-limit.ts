import type http from 'node:http';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { compositeRateLimit, type RateLimitSpec } from '../composite/index.js';
import type { Graph } from '../graph/index.js';
import type { GatewayPlugin, OperationHookPayload } from './gateway-plugin.js';
import type { RateLimits } from './rate-limits.js';
import type { TrustedRunContext } from './trusted-run.js';

/**
 * What the rate limit reads from an operation's context: the JWT's claims when a token was
 * verified, the request, and for a run of the gateway's own (a trigger, a sync job) who it runs as.
 */
export interface ClientContext extends Pick<TrustedRunContext, 'trustedClient'> {
  readonly jwt?: { readonly sub?: unknown };
  readonly req?: http.IncomingMessage;
  readonly graph?: Graph;
}

/**
 * Who a request counts against: the JWT subject when a verified token gives one, else the
 * address the connection comes from, else (a run of the gateway's own, with no connection)
 * the client it runs as (`run:trigger:<composite>`). The one place to change it (a trusted
 * proxy's X-Forwarded-For, an API key).
 */
export function clientKeyOf(context: ClientContext): string {
  const sub = context.jwt?.sub;
  if (typeof sub === 'string' && sub !== '') return `sub:${sub}`;
  if (!context.req && context.trustedClient) return `run:${context.trustedClient}`;
  return `addr:${context.req?.socket?.remoteAddress ?? 'unknown'}`;
}

/** The gateway's bucket, for operations no composite limit covers. */
const GATEWAY_BUCKET = '*';

/**
 * Rate limits per client, before an operation runs: `--rate-limit` for every operation,
 * and a composite's own `# @rateLimit` for an operation that calls it (instead of the
 * gateway's, which still counts any other root field of the same operation). Each
 * operation counts one (a batch of n counts n; a subscription one, as it subscribes). Over
 * the limit, the operation does not run: 429 with Retry-After and RATE_LIMITED. It acts
 * in onExecute and onSubscribe, so /graphql (both doors, SSE and its sockets) and every
 * door that runs composites through `GraphQLPipeline.execute` (/api, /soap, /mcp) are
 * held to the same counters. With no limit anywhere it costs one lookup per operation
 * and no promise.
 */
export function useRateLimit(limits: RateLimits, gatewayLimit: RateLimitSpec | undefined): GatewayPlugin {
  const composites = new WeakMap<Graph, ReadonlyMap<string, RateLimitSpec>>();
  const compositeLimits = (graph: Graph | undefined): ReadonlyMap<string, RateLimitSpec> => {
    if (!graph) return EMPTY;
    let found = composites.get(graph);
    if (!found) {
      const map = new Map<string, RateLimitSpec>();
      for (const plan of graph.plans.values()) {
        const spec = compositeRateLimit(plan.name, plan.description);
        if (spec) map.set(plan.name, spec);
      }
      composites.set(graph, (found = map));
    }
    return found;
  };

  // One check for both hooks: an operation counts as it executes, a subscription as it subscribes.
  const limit = ({ args, setResultAndStopExecution }: OperationHookPayload): void | Promise<void> => {
    const context = args.contextValue as ClientContext;
    const own = compositeLimits(context.graph);
    if (!gatewayLimit && own.size === 0) return;
    const buckets: Array<[string, RateLimitSpec]> = [];
    if (own.size === 0) buckets.push([GATEWAY_BUCKET, gatewayLimit!]);
    else {
      let uncovered = false;
      for (const name of rootFieldNames(args.document, args.operationName ?? undefined)) {
        const spec = own.get(name);
        if (spec) buckets.push([name, spec]);
        else uncovered = true;
      }
      if (uncovered && gatewayLimit) buckets.push([GATEWAY_BUCKET, gatewayLimit]);
    }
    if (buckets.length === 0) return;
    const client = clientKeyOf(context);
    return (async () => {
      for (const [bucket, spec] of buckets) {
        const refused = await limits.consume(spec, bucket, client);
        if (refused) {
          setResultAndStopExecution({ errors: [rateLimited(spec, bucket, refused.retryAfterSeconds)] });
          return;
        }
      }
    })();
  };
  return { name: 'rate-limit', onExecute: limit, onSubscribe: limit };
}

const EMPTY: ReadonlyMap<string, RateLimitSpec> = new Map();

function rateLimited(spec: RateLimitSpec, bucket: string, retryAfter: number) {
  const what = bucket === GATEWAY_BUCKET ? 'this gateway' : `composite ${bucket}`;
  return createGraphQLError(`Rate limit exceeded: ${what} allows ${spec.text} per client; retry in ${retryAfter} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
  });
}

/** The root fields an operation selects, through fragments (composites are root fields). */
function rootFieldNames(document: DocumentNode, operationName: string | undefined): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) {
      operation ??= definition.selectionSet;
    }
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  if (operation) collect(operation);
  return names;
}
