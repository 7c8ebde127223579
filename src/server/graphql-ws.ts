import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { IncomingRequest } from '../sources/index.js';
import { errorJSON, isGraphQLError, visibleResult } from './finish-result.js';
import type { LiveGraph } from './gateway.js';
import { headersOf } from './node-request.js';
import type { GraphQLPipeline, SocketEnveloped } from './pipeline.js';

/** The WebSocket subprotocol graphql-ws speaks; a socket that offers another is refused. */
const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';
/** WebSocket close code 1001: the server is going away. */
const GOING_AWAY = 1001;

export interface GraphQLWsDoor {
  /** Takes over an HTTP upgrade request to /graphql. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every socket (code 1001, going away) and their subscriptions. Safe to call twice. */
  close(): Promise<void>;
}

interface OperationRoot {
  readonly execute: SocketEnveloped['execute'];
  readonly subscribe: SocketEnveloped['subscribe'];
}

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on /graphql, beside yoga's SSE. Each
 * operation goes through the pipeline's own hooks (`pipeline.envelop`): the client's limits
 * while parsing and validating, then the bearer token (a bad one refuses the operation with
 * an `error` message before it starts), rate limits and error masking around execution and
 * each event; results leave without the internal extensions, as over HTTP. A socket carries the upgrade request's headers; a browser, which cannot set
 * them, may send `authorization` in the connection_init payload. Each operation leases the
 * graph current when it starts and keeps it until it completes.
 */
export function createGraphQLWsDoor(options: {
  readonly pipeline: GraphQLPipeline;
  readonly live: LiveGraph;
  readonly maxPayloadBytes: number;
  readonly log: (line: string) => void;
}): GraphQLWsDoor {
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    handleProtocols: (offered) => (offered.has(GRAPHQL_TRANSPORT_WS) ? GRAPHQL_TRANSPORT_WS : false),
  });
  const ends = new Map<string, () => void>();
  const keyOf = (ctx: { extra: { socket: unknown } }, id: string) => `${socketIds.get(ctx.extra.socket as object)}:${id}`;
  const socketIds = new WeakMap<object, number>();
  let nextSocket = 0;
  sockets.on('connection', (socket) => socketIds.set(socket, nextSocket++));

  const server = useServer<Record<string, unknown>>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as OperationRoot).execute(args) as Promise<ExecutionResult>,
      subscribe: (args: ExecutionArgs) => (args.rootValue as OperationRoot).subscribe(args) as never,
      onSubscribe: async (ctx, id, payload) => {
        const lease = options.live.acquire();
        const aborted = new AbortController();
        const key = keyOf(ctx, id);
        ends.set(key, () => {
          ends.delete(key);
          aborted.abort();
          lease.release();
        });
        const request: IncomingRequest = { headers: socketHeaders(ctx.extra.request, ctx.connectionParams), signal: aborted.signal };
        const enveloped = options.pipeline.envelop({ req: ctx.extra.request, graph: lease.graph, request, params: payload });
        try {
          const document = enveloped.parse(payload.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) {
            ends.get(key)?.();
            return errors;
          }
          // A bad bearer token refuses the operation as an `error` message, before it starts
          // (the pipeline's JWT plugin would answer it as a result; a socket client expects this).
          const refusal = await options.pipeline.refuseToken(request);
          if (refusal) {
            ends.get(key)?.();
            return [refusal];
          }
          const contextValue = await enveloped.contextFactory();
          const root: OperationRoot = { execute: enveloped.execute, subscribe: enveloped.subscribe };
          return {
            schema: enveloped.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
            rootValue: root,
          };
        } catch (error) {
          ends.get(key)?.();
          if (isGraphQLError(error)) return [error];
          options.log(`skein: graphql-ws operation failed: ${(error as Error).stack ?? String(error)}`);
          return [new GraphQLError('Unexpected error.')];
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) => visibleResult(result) as ExecutionResult,
      onError: (_ctx, _id, _payload, errors) => errors.map(errorJSON),
      onComplete: (ctx, id) => ends.get(keyOf(ctx, id))?.(),
      onClose: (ctx) => {
        const prefix = `${socketIds.get(ctx.extra.socket)}:`;
        for (const [key, end] of [...ends]) if (key.startsWith(prefix)) end();
      },
    },
    sockets,
  );

  let closing: Promise<void> | undefined;
  return {
    handleUpgrade(req, socket, head) {
      sockets.handleUpgrade(req, socket, head, (webSocket) => sockets.emit('connection', webSocket, req));
    },
    close() {
      // Once: ws refuses to close a server twice, and a gateway may be shut down twice.
      return (closing ??= (async () => {
        for (const socket of sockets.clients) socket.close(GOING_AWAY, 'the gateway is shutting down');
        for (const end of [...ends.values()]) end();
        await server.dispose();
      })());
    },
  };
}

/** The upgrade request's headers; `authorization` from the connection_init payload when the request had none. */
function socketHeaders(req: http.IncomingMessage, params: Readonly<Record<string, unknown>> | undefined): IncomingRequest['headers'] {
  const headers = headersOf(req.headers);
  const fromParams = params?.authorization ?? params?.Authorization;
  if (typeof fromParams !== 'string') return headers;
  return { get: (name) => headers.get(name) ?? (name.toLowerCase() === 'authorization' ? fromParams : null) };
}
