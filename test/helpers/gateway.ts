import type { GraphQLSchema } from 'graphql';
import { buildGraph, type Graph, type GraphOptions } from '../../src/graph/index.js';
import type { SchemaFile } from '../../src/schema/index.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/server/index.js';

export interface GraphQLAnswer<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

/**
 * The two doors of /graphql: the fast lane (plain JSON POSTs from programs) and yoga
 * (everything else). A test gateway opened `via: 'yoga'` has its lane off, so every
 * request, these plain ones too, goes through yoga. Behavioural tests run through both.
 */
export type Door = 'lane' | 'yoga';
export const DOORS: readonly Door[] = ['lane', 'yoga'];

export interface TestGateway {
  readonly url: string;
  readonly graph: Graph;
  readonly gateway: RunningGateway;
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

/** Serves source SDL (and composites) on a free port, over real HTTP, as a client sees it. */
export async function startTestGateway(
  files: { sources: Record<string, string>; composites?: Record<string, string> },
  options: GraphOptions = {},
  serve: Pick<GatewayOptions, 'settings' | 'logger'> & { via?: Door } = {},
): Promise<TestGateway> {
  // Tests name their fixtures' WSDLs by absolute path, as the operator's own shell may;
  // what a gateway refuses to read is tested on its own (test/hardening/source-boundaries.test.ts).
  const toFiles = (record: Record<string, string> = {}): SchemaFile[] =>
    Object.entries(record).map(([path, text]) => ({ path, text, documents: 'anywhere' }));
  const graph = await buildGraph({ sources: toFiles(files.sources), composites: toFiles(files.composites) }, options);
  const { via = 'lane', ...rest } = serve;
  const settings = { ...rest.settings, ...(via === 'yoga' ? { fastLane: false } : {}) };
  const gateway: RunningGateway = await startGateway({ graph, port: 0, host: '127.0.0.1', ...rest, settings });
  return {
    url: gateway.url,
    graph,
    gateway,
    async query(query, variables, headers) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, ...(await response.json()) };
    },
    close: () => gateway.close(),
  };
}

/** A graph of a hand-made executable schema (no sources, no composites), for what the gateway does around execution. */
export function graphOfSchema(schema: GraphQLSchema): Graph {
  return { schema, fullSchema: schema, sources: new Map(), operations: new Map(), plans: new Map(), protocols: new Map(), paused: new Set(), close: async () => {} } as unknown as Graph;
}
