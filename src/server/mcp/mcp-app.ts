import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, isInitializeRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Graph } from '../../graph/index.js';
import type { IncomingRequest } from '../../sources/index.js';
import type { RouteHandler } from '../http-server.js';
import { headersOf } from '../node-request.js';
import type { TrustedOperation } from '../pipeline.js';
import { readBody } from '../read-body.js';
import { callTool } from './call-tool.js';
import { McpSessions, type McpSession } from './sessions.js';
import { graphTools } from './tools.js';

export const MCP_PATH = '/mcp';

export interface McpOptions {
  /** The graph a request leases, kept until its answer is sent. */
  readonly acquire: () => { readonly graph: Graph; release(): void };
  /** Runs a composite's document through the /graphql pipeline's execution, as /api does. */
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
  /** The graph served now, and news of the next one (a registry reload), when it can change. */
  readonly current: () => Graph;
  readonly subscribe?: (listener: (graph: Graph) => void) => () => void;
  /** Largest POST body, as /graphql and /api take (SKEIN_MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
  /** Skein's version, as the server tells clients at initialization. */
  readonly version: string;
  /**
   * Origins whose browser pages may call /mcp. Empty by default: a request that carries
   * an Origin header (every browser's POST does) is refused with 403, which is what the
   * MCP transport asks of servers against DNS rebinding. Programs send no Origin.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * The refusal a request's bearer token earns (the pipeline's `refuseToken`): a token
   * that fails a check is answered 401 at the HTTP layer, as MCP's authorization asks,
   * before a session sees the message. A token that passes but lacks a composite's
   * scopes is the tool's error (FORBIDDEN), since a session may call other tools.
   */
  readonly refuseToken?: (request: IncomingRequest) => Promise<GraphQLError | undefined>;
  /** Open sessions at most at once; an initialization past it answers 503. */
  readonly maxSessions?: number;
  /** A session with no request for this long, and no open stream, is closed. */
  readonly idleSessionMs?: number;
}

export interface McpHandler {
  readonly handle: RouteHandler;
  readonly sessions: McpSessions;
  /** Ends every session (and so every open notification stream); later requests answer 503. */
  close(): Promise<void>;
}

/** What a tool handler needs of the HTTP request that carried its call. */
interface CallContext {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly graph: Graph;
}

/**
 * Published composites as MCP tools over Streamable HTTP at /mcp. Each session is a
 * low-level SDK `Server` on its own transport; tools/list and tools/call read the graph
 * the HTTP request leased (so every request sees the live graph), and a call runs
 * through the pipeline's `execute` like /api's. Sessions exist so that a reload that
 * changes the tool list (publish, pause, resume, delete) reaches connected clients as
 * notifications/tools/list_changed on their GET stream; stateless Streamable HTTP has
 * no stream to send it on. No CORS headers are sent: browsers are not served here yet.
 */
export function createMcpHandler(options: McpOptions): McpHandler {
  const sessions = new McpSessions(options.maxSessions ?? 1000, options.idleSessionMs ?? 30 * 60_000);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  // Which request a tool handler serves: the SDK hands handlers JSON-RPC, not the HTTP exchange.
  const calls = new AsyncLocalStorage<CallContext>();
  let closed = false;

  let listed = graphTools(options.current()).fingerprint;
  const unsubscribe = options.subscribe?.((graph) => {
    const now = graphTools(graph).fingerprint;
    if (now === listed) return;
    listed = now;
    for (const session of sessions.all()) void session.server.sendToolListChanged().catch(() => {});
  });
  const sweeper = setInterval(() => void sessions.sweep(), Math.min(sessions.idleMs, 60_000));
  sweeper.unref();

  const newSession = async (): Promise<StreamableHTTPServerTransport> => {
    const server = new Server({ name: 'skein', version: options.version }, { capabilities: { tools: { listChanged: true } } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...graphTools(calls.getStore()?.graph ?? options.current()).listed] }));
    server.setRequestHandler(CallToolRequestSchema, (request) => {
      const context = calls.getStore();
      if (!context) throw new Error('a tool call outside an HTTP request');
      return callTool({ ...context, name: request.params.name, args: request.params.arguments, execute: options.execute });
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Tools answer once, with nothing to stream before: plain JSON answers to POSTs.
      enableJsonResponse: true,
      onsessioninitialized: (id): void => sessions.add(id, { server, transport, open: 0, lastSeen: Date.now() }),
    });
    server.onclose = () => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  };

  const handle: RouteHandler = async (req, res) => {
    if (closed) return rpcError(res, 503, 'the gateway is shutting down; start a new session on another instance');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return rpcError(res, 403, `requests from browser pages (Origin ${origin}) are not served at ${MCP_PATH}`);
    }
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') {
      res.setHeader('allow', 'POST, GET, DELETE');
      return rpcError(res, 405, `${MCP_PATH} takes POST (messages), GET (the notification stream) and DELETE (ending a session)`);
    }
    const refusal = await options.refuseToken?.({ headers: headersOf(req.headers) });
    if (refusal) {
      const challenge = (refusal.extensions.http as { headers?: Record<string, string> } | undefined)?.headers?.['www-authenticate'];
      if (challenge) res.setHeader('www-authenticate', challenge);
      return rpcError(res, 401, refusal.message);
    }
    const id = header(req, 'mcp-session-id');
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, res, options.maxBodyBytes);
      if (!raw) return;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (failure) {
        return rpcError(res, 400, `the body is not valid JSON: ${(failure as Error).message}`, -32700);
      }
    }

    let session: McpSession | undefined;
    if (id === undefined) {
      const initializes = req.method === 'POST' && (Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body));
      if (!initializes) return rpcError(res, 400, 'no Mcp-Session-Id: start a session with an initialize request first');
      if (sessions.size >= sessions.max && (await sessions.sweep()) === 0) {
        return rpcError(res, 503, `${sessions.max} MCP sessions are open, the most this gateway keeps; end one (DELETE) or try later`);
      }
      const transport = await newSession();
      return serve(transport, req, res, body);
    }
    session = sessions.get(id);
    if (!session) return rpcError(res, 404, 'no such session (it ended, expired, or lives on another gateway); start a new one with initialize', -32001);
    res.once('close', sessions.enter(session));
    return serve(session.transport, req, res, body);
  };

  const serve = async (transport: StreamableHTTPServerTransport, req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => {
    if (req.method !== 'POST') return transport.handleRequest(req, res);
    const lease = options.acquire();
    res.once('close', lease.release);
    return calls.run({ req, res, graph: lease.graph }, () => transport.handleRequest(req, res, body));
  };

  return {
    handle,
    sessions,
    async close() {
      closed = true;
      clearInterval(sweeper);
      unsubscribe?.();
      await sessions.closeAll();
    },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A JSON-RPC error with no id, as the SDK's transport answers what it refuses. */
function rpcError(res: http.ServerResponse, status: number, message: string, code = -32000): void {
  const text = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
