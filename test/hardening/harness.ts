import { expect } from 'vitest';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { startGateway, type GatewaySettings, type RunningGateway } from '../../src/server/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
}

export interface HardenedGateway {
  readonly gateway: RunningGateway;
  readonly origin: string;
  readonly graph: Graph;
  readonly logged: string[];
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>;
  /** The value of one /metrics sample, such as `skein_upstream_breaker_state{source="users"}`. */
  metric(sample: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Source SDL (and composites) served over real HTTP with the given settings. */
export async function startHardenedGateway(
  files: { sources: Record<string, string>; composites?: Record<string, string> },
  settings: Partial<GatewaySettings> = {},
): Promise<HardenedGateway> {
  const toFiles = (record: Record<string, string> = {}) => Object.entries(record).map(([path, text]) => ({ path, text }));
  const graph = await buildGraph({ sources: toFiles(files.sources), composites: toFiles(files.composites) });
  const logged: string[] = [];
  const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings, log: (line) => logged.push(line) });
  const origin = new URL(gateway.url).origin;
  return {
    gateway,
    origin,
    graph,
    logged,
    async query(query, variables, headers) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
    },
    async metric(sample) {
      const text = await (await fetch(`${origin}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? undefined : Number(line.slice(sample.length + 1));
    },
    close: async () => {
      await gateway.close(1_000);
    },
  };
}

/**
 * No upstream address, stack trace or secret anywhere in what the client got, and no URL
 * in any error message. (An upstream's own body excerpt may quote namespace URIs.)
 */
export function expectNothingLeaked(answer: unknown, ...secrets: string[]): void {
  const text = JSON.stringify(answer);
  expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
  expect(text).not.toMatch(/\n\s+at /);
  for (const error of (answer as { errors?: { message: string }[] }).errors ?? []) expect(error.message).not.toContain('://');
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** The error at a path, by its first segment. */
export function errorAt(answer: Answer, field: string) {
  return answer.errors?.find((e) => e.path?.[0] === field);
}
