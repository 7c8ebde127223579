import type http from 'node:http';
import { envelop, useEngine, useSchema, type GetEnvelopedFn } from '@envelop/core';
import {
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Graph } from '../graph/index.js';
import type { IncomingRequest } from '../sources/index.js';
import { refuseBody } from './http-server.js';
import type { GatewayMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdOf } from './use-request-id.js';
import { countResult } from './use-request-metrics.js';

/**
 * The fast lane of /graphql: a plain JSON POST from a program (not a browser) that
 * holds one valid query or mutation is parsed, validated and executed through envelop
 * with the same plugins yoga runs (limits, error masking, plan exposure), but without
 * turning the Node request and response into Fetch API objects, which cost more than the
 * rest of a pass-through request together. Everything else, and anything the lane is
 * unsure about (GET, batches, browsers with their CORS and CSRF rules, persisted
 * operations, documents that do not parse or validate, variables that do not coerce),
 * goes to yoga, which answers it as always: one implementation of each behaviour.
 */
export interface FastLane {
  /** Decided on headers alone: a lane request's body is read by the lane. */
  accepts(req: http.IncomingMessage): boolean;
  handle(req: http.IncomingMessage, res: http.ServerResponse, graph: Graph): Promise<void>;
}

export interface FastLaneOptions {
  /** Plugins that act inside execution (envelop hooks); yoga runs the same ones. */
  readonly plugins: readonly Plugin[];
  readonly maxBodyBytes: number;
  readonly metrics?: GatewayMetrics;
  /** Answers a request the lane read but will not serve, given its body. */
  readonly fallback: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, graph: Graph) => Promise<void>;
}

/** Parsed and validated documents kept per schema (a reload starts afresh). */
const DOCUMENTS_PER_SCHEMA = 1000;

export function createFastLane(options: FastLaneOptions): FastLane {
  const enveloped = new WeakMap<GraphQLSchema, GetEnvelopedFn<Record<string, unknown>>>();
  const documents = new WeakMap<GraphQLSchema, BoundedMap<string, DocumentNode | null>>();
  const envelopedFor = (schema: GraphQLSchema) => {
    let getEnveloped = enveloped.get(schema);
    if (!getEnveloped) {
      getEnveloped = envelop({
        plugins: [useEngine({ parse, validate, execute, subscribe, specifiedRules }), useSchema(schema), ...options.plugins],
      }) as unknown as GetEnvelopedFn<Record<string, unknown>>;
      enveloped.set(schema, getEnveloped);
    }
    return getEnveloped;
  };

  return {
    accepts: isLaneRequest,
    async handle(req, res, graph) {
      const body = await readBody(req, res, options.maxBodyBytes);
      if (!body) return;
      const params = parseParams(body);
      if (!params) return options.fallback(req, res, body, graph);

      const schema = graph.schema;
      const request = new NodeRequestView(req);
      const context = laneContext(request, params, graph, res);
      const { parse: parseDocument, validate: validateDocument, contextFactory, execute: run } = envelopedFor(schema)(context);

      // A document is parsed and validated once per schema; null marks one yoga must answer.
      let cache = documents.get(schema);
      if (!cache) documents.set(schema, (cache = new BoundedMap(DOCUMENTS_PER_SCHEMA)));
      let document = cache.get(params.query);
      if (document === undefined) {
        document = null;
        try {
          const parsed = parseDocument(params.query) as DocumentNode;
          if (validateDocument(schema, parsed).length === 0) document = parsed;
        } catch {
          // Yoga reports the syntax error (or the token limit) in its own words.
        }
        cache.set(params.query, document);
      }
      const operation = document && getOperationAST(document, params.operationName);
      if (!document || !operation || operation.operation === 'subscription') return options.fallback(req, res, body, graph);

      const result = (await run({
        schema,
        document,
        variableValues: params.variables,
        operationName: params.operationName,
        contextValue: await contextFactory(),
      })) as ExecutionResult;
      // Variables that did not coerce: nothing ran, so yoga may answer it with its status codes.
      if (!('data' in result)) return options.fallback(req, res, body, graph);
      if (options.metrics) countResult(options.metrics, result);

      const text = JSON.stringify(result);
      res.writeHead(200, {
        'content-type': responseType(req.headers.accept),
        'content-length': Buffer.byteLength(text),
        [REQUEST_ID_HEADER]: requestIdOf(request),
      });
      res.end(text);
    },
  };
}

interface Params {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;
const LANE_ACCEPTS = new Set(['*/*', 'application/*', 'application/json', 'application/graphql-response+json']);

/** A POST of JSON by a program: no browser (Origin, Sec-Fetch-Site), no compression, a JSON answer. */
function isLaneRequest(req: http.IncomingMessage): boolean {
  const headers = req.headers;
  if (req.method !== 'POST' || !JSON_TYPE.test(headers['content-type'] ?? '')) return false;
  if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined || headers['content-encoding'] !== undefined) return false;
  const accept = headers.accept;
  return accept === undefined || accept.split(',').every((type) => LANE_ACCEPTS.has(type.split(';')[0].trim().toLowerCase()));
}

/** As GraphQL over HTTP says: graphql-response+json when asked for first, else JSON (also for none and wildcards). */
function responseType(accept: string | undefined): string {
  const first = accept?.split(',')[0].split(';')[0].trim().toLowerCase();
  return first === 'application/graphql-response+json' ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8';
}

/** A single operation as JSON; anything else (a batch, a persisted id, odd fields) goes to yoga. */
function parseParams(body: Buffer): Params | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { query, operationName, variables, extensions, ...rest } = value as Record<string, unknown>;
  if (typeof query !== 'string' || Object.keys(rest).length > 0 || extensions !== undefined) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  return {
    query,
    operationName: operationName ?? undefined,
    variables: (variables as Record<string, unknown> | null) ?? undefined,
  };
}

/** Reads the body up to the limit; past it, answers 413 and returns undefined. */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        refuseBody(res, `The request body is over ${limit} bytes, the limit of this endpoint (SKEIN_MAX_BODY_BYTES)`);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks, size) : undefined));
    req.on('error', reject);
  });
}

/** The request as Skein reads it (headers by name), without building a Fetch Request. */
class NodeRequestView implements IncomingRequest {
  readonly headers: { get(name: string): string | null };

  constructor(req: http.IncomingMessage) {
    const raw = req.headers;
    this.headers = {
      get(name: string): string | null {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }
}

/**
 * The context yoga would give resolvers. Its `signal` (the client went away) is made only
 * if something asks for it, since few requests need it and a signal costs a few µs.
 */
function laneContext(request: IncomingRequest, params: Params, graph: Graph, res: http.ServerResponse): Record<string, unknown> {
  let controller: AbortController | undefined;
  let gone = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    gone = true;
    controller?.abort();
  });
  return {
    request,
    params,
    graph,
    get signal(): AbortSignal {
      if (!controller) {
        controller = new AbortController();
        if (gone) controller.abort();
      }
      return controller.signal;
    },
  };
}

/** A Map that forgets its oldest entry past a size. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
