import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { processRegularResult } from 'graphql-yoga';
import { responseTooLarge, type BudgetLimits, type IncomingRequest } from '../sources/index.js';
import type { GatewayPlugin } from './gateway-plugin.js';
import type { GatewayMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';

/** The JSON answers of GraphQL over HTTP. */
export type JsonMediaType = 'application/json' | 'application/graphql-response+json';

/** A GraphQL answer ready to be written: status, headers and the body's text. */
export interface FinishedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Turns a result (or a batch of them) into the HTTP answer, counting its outcome. */
export type ResultFinisher = (
  result: ExecutionResult | readonly ExecutionResult[],
  mediaType: JsonMediaType,
  request: IncomingRequest,
) => FinishedResponse;

/**
 * The one step that ends every JSON answer of /graphql, whichever door it came through:
 * the status (GraphQL over HTTP: 200, or the `extensions.http.status` an error asked for;
 * a request error is 400 under graphql-response+json), the body without the internal
 * extensions yoga and its plugins use to talk to each other (`http`, `unexpected`), the
 * content type, the request id, an answer over `maxResponseBytes` replaced by one
 * RESPONSE_TOO_LARGE error, and the outcome counted for /metrics. Yoga runs it
 * through `useFinishResult`; the fast lane calls it directly.
 */
export function createResultFinisher(metrics: GatewayMetrics | undefined, limits: Pick<BudgetLimits, 'maxResponseBytes'>): ResultFinisher {
  // The answer as it is; `finish` below replaces it when it is over the size limit.
  const finishWithin: ResultFinisher = (result, mediaType, request) => {
    const batch = isBatch(result);
    const headers: Record<string, string> = {};
    // A batch is 200: each of its results carries its own errors.
    const status = batch ? 200 : statusOf(result, mediaType, headers);
    headers['content-type'] = `${mediaType}; charset=utf-8`;
    headers[REQUEST_ID_HEADER] = requestIdOf(request);
    return { status, headers, body: batch ? `[${result.map(serialize).join(',')}]` : serialize(result) };
  };
  const finish: ResultFinisher = (result, mediaType, request) => {
    let answer = finishWithin(result, mediaType, request);
    const over = overLimit(answer.body, limits.maxResponseBytes);
    if (over !== undefined) {
      const refusal = { errors: [responseTooLarge(over, limits)] };
      result = isBatch(result) ? result.map(() => refusal) : refusal;
      answer = finishWithin(result, mediaType, request);
    }
    if (metrics) for (const one of isBatch(result) ? result : [result]) metrics.count(outcomeOf(one));
    return answer;
  };
  return finish;
}

/**
 * yoga's door to the finishing step: where yoga chose its regular JSON processor, ours
 * answers instead (event streams and multipart stay yoga's). Last in the plugin list,
 * so nothing replaces it.
 */
export function useFinishResult(finish: ResultFinisher): GatewayPlugin {
  return {
    name: 'finish-result',
    onResultProcess({ request, resultProcessor, setResultProcessor }) {
      if (resultProcessor !== processRegularResult) return;
      const mediaType = jsonMediaType(request.headers.get('accept'));
      setResultProcessor((result, fetchAPI) => {
        const answer = finish(result as ExecutionResult | ExecutionResult[], mediaType, request);
        return new fetchAPI.Response(answer.body, { status: answer.status, headers: answer.headers });
      }, mediaType);
    },
  };
}

/**
 * The JSON type to answer with, by the client's Accept: graphql-response+json when the
 * client ranks it first, else application/json (also for none, and for wildcards, which
 * older clients send and which must keep getting what they always got).
 */
export function jsonMediaType(accept: string | null | undefined): JsonMediaType {
  if (!accept) return 'application/json';
  let best: { type: JsonMediaType; q: number } | undefined;
  for (const entry of accept.split(',')) {
    const [name, ...parameters] = entry.split(';');
    const type = name.trim().toLowerCase();
    if (type !== 'application/graphql-response+json' && type !== 'application/json') continue;
    const q = Number(parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    if (q > 0 && (!best || q > best.q)) best = { type, q };
  }
  return best?.type ?? 'application/json';
}

/** The body's size in bytes when it is over `max`, else undefined. */
function overLimit(body: string, max: number): number | undefined {
  // Counted in characters first: a body is over in bytes only if it is over a third of it in UTF-16 units.
  if (body.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(body);
  return bytes > max ? bytes : undefined;
}

/** How a result ended, as /metrics counts it. */
function outcomeOf(result: ExecutionResult) {
  if (!result.errors || result.errors.length === 0) return 'ok';
  if (!('data' in result) || result.data === undefined) return 'rejected';
  return result.data === null ? 'failed' : 'partial';
}

interface HttpExtension {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** Set on request errors (parse, validation): see `lenient`. */
  readonly spec?: boolean;
}

/** The status for one result, merging the headers its errors ask for into `headers`. */
function statusOf(result: ExecutionResult, mediaType: JsonMediaType, headers: Record<string, string>): number {
  const own = result.extensions?.http as HttpExtension | undefined;
  if (own?.headers) Object.assign(headers, own.headers);
  let status = own?.status;
  let unexpected = false;
  // application/json answers request errors (parse, validation) with 200, as GraphQL
  // servers did before graphql-response+json, unless the body was not even GraphQL: an
  // error that records a cause of another kind (invalid JSON) keeps its 400.
  const lenient =
    mediaType === 'application/json' &&
    (result.errors ?? []).some((error) => !error.extensions?.originalError || isGraphQLError(error.extensions.originalError));
  for (const error of result.errors ?? []) {
    const http = error.extensions?.http as HttpExtension | undefined;
    if (!http) {
      if (!isDeliberate(error) || error.extensions?.unexpected) unexpected = true;
      continue;
    }
    if (http.headers) Object.assign(headers, http.headers);
    // Leniency is for the client's mistakes; a gateway failure (5xx) is never answered 200.
    if (lenient && http.spec && (http.status ?? 0) < 500) continue;
    if (http.status && (status === undefined || http.status > status)) status = http.status;
  }
  if (status !== undefined) return status;
  // Nothing ran and the cause was not the client's: the gateway failed.
  return unexpected && !('data' in result) ? 500 : 200;
}

/** An error raised on purpose as a GraphQLError (not a wrapped exception). */
function isDeliberate(error: GraphQLError): boolean {
  let current: unknown = error;
  while (isGraphQLError(current)) {
    const cause = (current as GraphQLError).originalError;
    if (cause == null) return true;
    current = cause;
  }
  return false;
}

/** By shape as well as class: graphql-js may be loaded twice (ESM and CJS builds). */
export function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function isBatch(result: ExecutionResult | readonly ExecutionResult[]): result is readonly ExecutionResult[] {
  return Array.isArray(result);
}

/** The result as JSON, without the internal extensions; the common case (no errors, no extensions) as is. */
function serialize(result: ExecutionResult): string {
  return JSON.stringify(visibleResult(result));
}

/** The result as clients see it, without the extensions yoga and the plugins use among themselves (graphql-ws sends it so too). */
export function visibleResult(result: ExecutionResult): Record<string, unknown> {
  if (!result.errors?.length && !result.extensions) return result as Record<string, unknown>;
  const { extensions, ...rest } = result;
  const out: Record<string, unknown> = rest;
  if (result.errors) out.errors = result.errors.map(errorJSON);
  if (extensions) {
    const { http: _http, ...visible } = extensions;
    if (Object.keys(visible).length > 0) out.extensions = visible;
  }
  return out;
}

/** One error as clients see it, without the internal extensions. */
export function errorJSON(error: GraphQLError): GraphQLFormattedError {
  const json: GraphQLFormattedError = isGraphQLError(error) ? error.toJSON() : { message: String((error as { message?: unknown }).message) };
  if (!json.extensions) return json;
  const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions;
  const { extensions: _all, ...rest } = json;
  return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
}
