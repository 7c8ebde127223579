import type http from 'node:http';
import { parse, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLField } from 'graphql';
import type { Graph } from '../../graph/index.js';
import { httpRefusalOf } from '../auth/refusal.js';
import type { TrustedOperation } from '../pipeline.js';
import { fullSelection } from './result-selection.js';
import { BadVariables, variablesFromBody, variablesFromQuery } from './request-variables.js';

/** The most a mutation's JSON body may hold. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What a composite endpoint answers: a status and a JSON body. */
export interface EndpointAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface EndpointRequest {
  readonly graph: Graph;
  /** Composites that are paused in this graph. */
  readonly paused: ReadonlySet<string>;
  readonly name: string;
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly url: URL;
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
}

/**
 * Calls one composite over REST: `GET /api/<name>?<variable>=…` for a query,
 * `POST /api/<name>` with a JSON object of variables for a mutation. Answers
 * 200 with `data` (and `errors` when partial), 400 naming the missing or malformed
 * variables, 404 for an unknown (or draft) composite, 405 for the wrong method,
 * 503 while it is paused; when upstream failures left it without any data, the status
 * the upstreams agreed on if it was a client error (an unknown id: 404), else 502. It runs
 * through the /graphql pipeline's execution, so its errors are masked alike.
 */
export async function callComposite(request: EndpointRequest): Promise<EndpointAnswer> {
  const { graph, name, req } = request;
  const plan = graph.plans.get(name);
  if (!plan) {
    return {
      status: 404,
      body: error(`no published composite is named "${name}"; /api lists what is served and /api/openapi.json describes it`, 'NOT_FOUND'),
    };
  }
  const method = plan.operation === 'mutation' ? 'POST' : 'GET';
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
    return {
      status: 405,
      headers: { allow: method === 'GET' ? 'GET, HEAD' : 'POST' },
      body: error(`${name} is a ${plan.operation}: call it with ${method}, not ${req.method}`, 'METHOD_NOT_ALLOWED'),
    };
  }
  if (request.paused.has(name)) {
    return {
      status: 503,
      headers: { 'retry-after': '60' },
      body: error(`composite "${name}" is paused; it answers again once it is resumed`, 'COMPOSITE_PAUSED'),
    };
  }
  const root = plan.operation === 'mutation' ? graph.schema.getMutationType()! : graph.schema.getQueryType()!;
  const field = root.getFields()[name] as GraphQLField<unknown, unknown>;

  let variables: Record<string, unknown>;
  try {
    variables =
      method === 'GET'
        ? variablesFromQuery(name, field.args, request.url.searchParams)
        : variablesFromBody(name, field.args, await readJSONBody(req));
  } catch (failure) {
    if (failure instanceof BadVariables) return { status: 400, body: { ...error(failure.message, 'BAD_REQUEST'), problems: failure.problems } };
    throw failure;
  }

  const result = (await request.execute({
    req,
    res: request.res,
    graph,
    document: documentFor(graph, plan.operation, field),
    variables,
  })) as ExecutionResult<Record<string, unknown>>;

  const errors = result.errors?.map(restError);
  const value = result.data?.[name] as Record<string, unknown> | null | undefined;
  if (result.errors?.some((e) => e.extensions?.code === 'COMPOSITE_PAUSED')) {
    return { status: 503, headers: { 'retry-after': '60' }, body: { data: null, errors } };
  }
  const limited = result.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
  if (limited) return { status: 429, headers: { 'retry-after': String(limited.extensions.retryAfter) }, body: { data: null, errors } };
  const refused = httpRefusalOf(name, result);
  if (refused) return { status: refused.status, headers: { 'www-authenticate': refused.challenge }, body: { data: value ?? null, errors } };
  if (value === undefined || (value === null && !result.data)) {
    // Variables graphql-js could not coerce (a bad enum value): the request's fault.
    return { status: 400, body: { ...error(result.errors?.map((e) => e.message).join('; ') ?? 'invalid request', 'BAD_REQUEST'), errors } };
  }
  const empty = value === null || Object.values(value).every((v) => v === null);
  if (empty && errors?.length) return { status: agreedClientError(result.errors!) ?? 502, body: { data: value, errors } };
  if (errors?.length) return { status: 200, body: { data: value, errors } };
  return { status: 200, headers: cacheHeadersOf(result), body: { data: value } };
}

/** The response cache's `Cache-Control` and `Age` for a GET answer (with --cache); none otherwise, and the route says no-store. */
function cacheHeadersOf(result: ExecutionResult): Record<string, string> | undefined {
  const headers = (result.extensions?.http as { headers?: Record<string, string> } | undefined)?.headers;
  if (!headers?.['cache-control']) return undefined;
  return headers.age === undefined ? { 'cache-control': headers['cache-control'] } : { 'cache-control': headers['cache-control'], age: headers.age };
}

const documents = new WeakMap<Graph, Map<string, DocumentNode>>();

/**
 * `query Name($a: T = default, …) { name(a: $a) { everything } }`, parsed once per graph.
 * Every door that serves a composite as one call (/api, /soap, /mcp) runs this document.
 */
export function documentFor(graph: Graph, operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): DocumentNode {
  let cache = documents.get(graph);
  if (!cache) documents.set(graph, (cache = new Map()));
  let document = cache.get(field.name);
  if (!document) {
    const declared = field.args.map((a) => `$${a.name}: ${a.type}`);
    const passed = field.args.map((a) => `${a.name}: $${a.name}`);
    const text =
      `${operation} ${field.name}${declared.length ? `(${declared.join(', ')})` : ''} ` +
      `{ ${field.name}${passed.length ? `(${passed.join(', ')})` : ''} ${fullSelection(field)} }`;
    document = parse(text);
    cache.set(field.name, document);
  }
  return document;
}

async function readJSONBody(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadVariables([`the body is larger than ${MAX_BODY_BYTES} bytes`]);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  if (type && !/\bjson\b/i.test(type)) throw new BadVariables([`expected a JSON body (content-type: application/json), found ${type}`]);
  try {
    return JSON.parse(text);
  } catch (failure) {
    throw new BadVariables([`the body is not valid JSON: ${(failure as Error).message}`]);
  }
}

/**
 * A GraphQL error as a REST caller reads it: without `locations`, which would point into
 * a document the caller never saw.
 */
function restError(error: GraphQLError): unknown {
  const { locations: _locations, ...rest } = error.toJSON();
  if (!rest.extensions?.http) return rest;
  // `http` is how a plugin asks the pipeline for a status and headers, not part of the answer.
  const { http: _http, ...extensions } = rest.extensions;
  return { ...rest, extensions };
}

/** The 4xx every upstream failure answered with (all the same), if they agree on one. */
export function agreedClientError(errors: readonly GraphQLError[]): number | undefined {
  const statuses = new Set(errors.map((e) => e.extensions?.status).filter((s): s is number => typeof s === 'number'));
  if (statuses.size !== 1) return undefined;
  const [status] = statuses;
  return status >= 400 && status < 500 && status !== 429 ? status : undefined;
}

function error(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
