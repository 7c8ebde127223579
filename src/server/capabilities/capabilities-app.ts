import type http from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { Graph } from '../../graph/index.js';
import type { RouteHandler } from '../http-server.js';
import type { TrustedOperation } from '../pipeline.js';
import { catalogPage } from './catalog-page.js';
import { callComposite } from './composite-endpoint.js';
import { openAPIDocument } from './openapi-document.js';

/** How the capability routes reach the served graph: a lease per request. */
export interface CapabilitiesOptions {
  readonly acquire: () => { readonly graph: Graph; release(): void };
  /** Runs a composite's document through the /graphql pipeline's execution (masking, plans, …). */
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
  /** Which registry revision a graph is, for the documents' version. */
  readonly version: (graph: Graph) => string;
  /** Print sources' URLs in the catalog (without credentials or query); off unless `--dev`. */
  readonly showSourceUrls?: boolean;
}

export const CAPABILITIES_PREFIX = '/api';

/**
 * Capability exposure under /api: `/api` is the HTML catalog, `/api/openapi.json` the
 * OpenAPI 3.1 document, `/api/<name>` a composite's REST endpoint. The two documents are
 * generated from the graph a request leased and cached per graph, so a reload is
 * reflected on the next request and costs nothing until then.
 */
export function createCapabilitiesHandler(options: CapabilitiesOptions): RouteHandler {
  const cache = new WeakMap<Graph, { openapi?: string; catalog?: string }>();
  const cached = (graph: Graph, key: 'openapi' | 'catalog', make: () => string): string => {
    let entry = cache.get(graph);
    if (!entry) cache.set(graph, (entry = {}));
    return (entry[key] ??= make());
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const path = url.pathname.replace(/\/+$/, '');
    const lease = options.acquire();
    res.once('close', lease.release);
    const graph = lease.graph;
    const paused = graph.paused;

    if (path === CAPABILITIES_PREFIX || path === '') {
      if (!allow(req, res, ['GET', 'HEAD'])) return;
      const html = cached(graph, 'catalog', () => catalogPage(graph, { paused, version: options.version(graph), showSourceUrls: options.showSourceUrls === true }));
      send(res, 200, 'text/html; charset=utf-8', html, req.method === 'HEAD');
      return;
    }
    if (path === `${CAPABILITIES_PREFIX}/openapi.json`) {
      if (!allow(req, res, ['GET', 'HEAD'])) return;
      const json = cached(graph, 'openapi', () => JSON.stringify(openAPIDocument(graph, { paused, version: options.version(graph) }), null, 2));
      send(res, 200, 'application/json; charset=utf-8', json, req.method === 'HEAD');
      return;
    }
    const name = decodeURIComponent(path.slice(CAPABILITIES_PREFIX.length + 1));
    const answer = await callComposite({ graph, paused, name, req, res, url, execute: options.execute });
    res.setHeader('cache-control', 'no-store');
    for (const [key, value] of Object.entries(answer.headers ?? {})) res.setHeader(key, value);
    send(res, answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.body), req.method === 'HEAD');
  };
}

function allow(req: http.IncomingMessage, res: http.ServerResponse, methods: readonly string[]): boolean {
  if (methods.includes(req.method ?? 'GET')) return true;
  res.setHeader('allow', methods.join(', '));
  send(res, 405, 'application/json; charset=utf-8', JSON.stringify({ errors: [{ message: `use ${methods.join(' or ')}`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }));
  return false;
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headOnly = false): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
