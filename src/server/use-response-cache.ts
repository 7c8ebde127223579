import { createHash } from 'node:crypto';
import { print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import {
  answerPolicy,
  callCacheFor,
  cacheKey,
  EMPTY_CACHE_POLICY,
  policyDependsOnVariables,
  stableJSON,
  type AnswerPolicy,
  type CachePolicy,
  type DocumentPolicy,
  type ResponseCache,
} from '../cache/index.js';
import type { Graph } from '../graph/index.js';
import type { RequestIdentity } from '../sources/index.js';
import type { GatewayPlugin } from './gateway-plugin.js';

/** What the cache reads from an operation's context: the graph the request leased and its verified token. */
interface CacheContext {
  readonly graph?: Graph;
  readonly jwt?: RequestIdentity;
}

/**
 * Response caching, as `@cacheControl` hints allow (src/cache), in onExecute: after the
 * token was verified (context), the rate limit counted and the cost charged (earlier
 * plugins), so a cached answer is held to all of them, in every door (both of /graphql,
 * and /api, /soap, /mcp through `GraphQLPipeline.execute`).
 *
 * - A query whose answer may be cached (its policy's maxAge above 0) is looked up under
 *   its document, operation name, variables, what it depends on (the sources' fingerprint,
 *   and that of each composite it runs) and scope: `public`, or for a
 *   PRIVATE answer the JWT subject and its scopes (without a subject, it is not kept). A
 *   hit is the answer, with `Age`; nothing executes and no upstream is called. A miss
 *   runs, and an answer without errors is kept for maxAge seconds.
 * - Every answer says `Cache-Control`: `max-age=N, public|private`, or `no-store`
 *   (mutations, answers with errors, answers nothing allows to cache).
 * - Each request carries a cache of its upstream calls (`callCache` in the context), for
 *   the read-only calls of Query fields with a maxAge of their own (sources/http).
 *
 * A registry change to a source changes the sources' fingerprint, so no answer or call
 * cached before is served again; a change to a composite (saved, published, paused,
 * resumed, rolled back) changes that composite's, so only the answers that run it start
 * afresh (src/cache/cache-policy.ts).
 */
export function useResponseCache(cache: ResponseCache): GatewayPlugin {
  // A document's policy is read once per graph (the policy) and operation, unless a
  // @skip/@include reads a variable: documents come from the document cache, the same object each time.
  const policies = new WeakMap<CachePolicy, WeakMap<DocumentNode, Map<string, DocumentPolicy> | null>>();
  const policyOf = (policy: CachePolicy, args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null }) => {
    let byDocument = policies.get(policy);
    if (!byDocument) policies.set(policy, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(args.document);
    if (byOperation === undefined) byDocument.set(args.document, (byOperation = policyDependsOnVariables(args.document) ? null : new Map()));
    if (byOperation === null) return answerPolicy(policy, args.schema, args.document, args.operationName, args.variableValues);
    let found = byOperation.get(args.operationName ?? '');
    if (!found) byOperation.set(args.operationName ?? '', (found = answerPolicy(policy, args.schema, args.document, args.operationName, undefined)));
    return found;
  };
  const documentIds = new WeakMap<DocumentNode, string>();
  const documentId = (document: DocumentNode): string => {
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = createHash('sha256').update(print(document)).digest('base64url')));
    return id;
  };

  return {
    name: 'response-cache',
    onExecute({ args, setResultAndStopExecution, extendContext }) {
      const context = args.contextValue as CacheContext;
      const graph = context.graph;
      const policy = graph?.cachePolicy ?? EMPTY_CACHE_POLICY;
      const identity = context.jwt;
      const calls = callCacheFor(cache, policy, identity);
      if (calls) extendContext({ callCache: calls });

      const answer = policyOf(policy, args);
      if (answer.maxAge === 0) return NO_STORE;
      const cacheControl = `max-age=${answer.maxAge}, ${answer.scope === 'PRIVATE' ? 'private' : 'public'}`;
      const scope = scopeKey(answer, identity);
      // PRIVATE without a subject: an HTTP cache of the client's own may keep it; the gateway does not.
      if (scope === undefined) return headerOnSuccess(cacheControl);
      const dependsOn = answer.composites.map((field) => policy.composites.get(field) ?? field);
      const key = cacheKey('answer', [policy.sourcesVersion, ...dependsOn, documentId(args.document), args.operationName ?? '', stableJSON(args.variableValues ?? {}), scope]);
      return cache.read(key).then((hit) => {
        if (hit) {
          setResultAndStopExecution(withHeaders({ data: JSON.parse(hit.value) }, { 'cache-control': cacheControl, age: String(hit.ageSeconds) }));
          return undefined;
        }
        return {
          onExecuteDone({ result, setResult }) {
            if (!isSingle(result)) return;
            if (result.errors?.length || !result.data) {
              setResult(withHeaders(result, NO_STORE_HEADERS));
              return;
            }
            cache.write(key, JSON.stringify(result.data), answer.maxAge);
            setResult(withHeaders(result, { 'cache-control': cacheControl }));
          },
        };
      });
    },
  };
}

/**
 * Who may be served an answer: anyone (`public`), or the same JWT subject holding the same
 * scopes (a PRIVATE answer, and any answer reading a field only some tokens may read);
 * undefined when a PRIVATE answer has no subject to be kept for.
 */
function scopeKey(policy: AnswerPolicy, identity: RequestIdentity | undefined): string | undefined {
  if (policy.scope === 'PUBLIC') return 'public';
  if (!identity?.sub) return undefined;
  return `sub:${identity.sub}\0${[...identity.scopes].sort().join(' ')}`;
}

const NO_STORE_HEADERS = { 'cache-control': 'no-store' };

/** The hooks for an answer that is not kept: it says no-store. */
const NO_STORE = {
  onExecuteDone({ result, setResult }: { result: unknown; setResult: (result: ExecutionResult) => void }) {
    if (isSingle(result)) setResult(withHeaders(result, NO_STORE_HEADERS));
  },
};

/** The hooks for an answer the gateway does not keep but a client may: its Cache-Control when it succeeded, else no-store. */
function headerOnSuccess(cacheControl: string) {
  return {
    onExecuteDone({ result, setResult }: { result: unknown; setResult: (result: ExecutionResult) => void }) {
      if (!isSingle(result)) return;
      setResult(withHeaders(result, result.errors?.length || !result.data ? NO_STORE_HEADERS : { 'cache-control': cacheControl }));
    },
  };
}

function isSingle(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}

/** `extensions.http.headers` is how a plugin asks every door for response headers (finish-result.ts, /api). */
function withHeaders(result: ExecutionResult, headers: Record<string, string>): ExecutionResult {
  const http = (result.extensions?.http ?? {}) as { headers?: Record<string, string> };
  return { ...result, extensions: { ...result.extensions, http: { ...http, headers: { ...http.headers, ...headers } } } };
}
