import type http from 'node:http';
import { getOperationAST, type ExecutionResult } from 'graphql';
import { maskError, type YogaServerInstance } from 'graphql-yoga';
import type { Graph } from '../graph/index.js';
import type { RequestBudget } from '../sources/index.js';
import { jsonMediaType, isGraphQLError, type ResultFinisher } from './finish-result.js';
import { assertLaneRuns, isBrowserRequest, type GatewayPlugin } from './gateway-plugin.js';
import { headersOf, NodeRequest } from './node-request.js';
import { withBody } from './read-body.js';
import { requestIdOf } from './request-id.js';
import { requestFields, type Logger } from '../observe/index.js';

/**
 * The fast lane of /graphql: the second door into the one pipeline, for a plain JSON POST
 * from a program (not a browser). yoga's own `getEnveloped` drives it, so every envelop
 * hook of every plugin runs as it does in yoga (the document cache, limits, masking,
 * plans), and `finish-result.ts` writes the answer as it does for yoga; what
 * the lane leaves out is yoga's HTTP layer: the Fetch API `Request` and `Response`
 * objects, which cost more than the rest of a pass-through request together. Anything
 * the lane does not serve (a batch, a persisted id, a body that is not a single operation,
 * a subscription) it hands to yoga with the body it read.
 */
export interface FastLane {
  /** Decided on headers alone. */
  accepts(req: http.IncomingMessage): boolean;
  /** Serves a request it accepted, given the body the pipeline read. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, server: LaneServerContext, body: Buffer): Promise<void>;
}

/** What the pipeline hands every request: the graph it leased and what it may spend. */
export interface LaneServerContext {
  readonly graph: Graph;
  readonly budget: RequestBudget;
  /** Aborted when the gateway begins to shut down. */
  readonly stopping?: AbortSignal;
}

export interface FastLaneOptions {
  /** The yoga the lane runs through: its envelop, and its Node handler for what the lane hands on. */
  readonly yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  /** The pipeline's plugins (yoga has them too): the lane refuses to be built if it cannot honour one. */
  readonly plugins: readonly GatewayPlugin[];
  readonly finish: ResultFinisher;
  /** Where an unexpected error outside execution is logged. */
  readonly logger: Logger;
}

export function createFastLane(options: FastLaneOptions): FastLane {
  assertLaneRuns(options.plugins);
  const { yoga, finish, logger } = options;
  const handOn = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, server: LaneServerContext) =>
    yoga(withBody(req, body), res, { ...server }) as Promise<void>;

  return {
    accepts: isLaneRequest,
    async handle(req, res, server, body) {
      const params = parseParams(body);
      if (!params) return handOn(req, res, body, server);

      const request = new NodeRequest(req, res);
      // The context yoga would start from: its server context, the request and the params.
      const enveloped = yoga.getEnveloped({ req, res, ...server, request, params });
      let result: ExecutionResult;
      try {
        const document = enveloped.parse(params.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) {
          result = { errors };
        } else {
          // A subscription streams: yoga's event-stream answer.
          if (getOperationAST(document, params.operationName)?.operation === 'subscription') return handOn(req, res, body, server);
          result = (await enveloped.execute({
            schema: enveloped.schema,
            document,
            variableValues: params.variables,
            operationName: params.operationName,
            contextValue: await enveloped.contextFactory(),
          })) as ExecutionResult;
        }
      } catch (error) {
        // What yoga does with an error thrown outside execution: a GraphQLError (a syntax
        // error, a limit) is the answer; anything else is logged and masked.
        if (!isGraphQLError(error)) logger.error({ ...requestFields(requestIdOf(request)), err: error }, 'unexpected error');
        result = { errors: [maskError(error, 'Unexpected error.', false) as never] };
      }
      const answer = finish(result, jsonMediaType(req.headers.accept), request);
      res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
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

/** A POST of JSON by a program: no browser, no compression, a JSON answer. */
function isLaneRequest(req: http.IncomingMessage): boolean {
  const headers = req.headers;
  if (req.method !== 'POST' || !JSON_TYPE.test(headers['content-type'] ?? '')) return false;
  if (headers['content-encoding'] !== undefined || isBrowserRequest(headersOf(headers))) return false;
  const accept = headers.accept;
  return accept === undefined || accept.split(',').every((type) => LANE_ACCEPTS.has(type.split(';')[0].trim().toLowerCase()));
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
