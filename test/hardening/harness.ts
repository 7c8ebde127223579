import { expect } from 'vitest';
import type { GraphOptions } from '../../src/graph/index.js';
import type { GatewaySettings } from '../../src/server/index.js';
import { startTestGateway, type Door, type GraphQLAnswer, type TestGateway } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log-capture.js';

export type Answer = GraphQLAnswer;

export interface HardenedGateway extends TestGateway {
  readonly origin: string;
  /** What the gateway logged (unexpected errors, with their request ids). */
  readonly logged: string[];
  /** The value of one /metrics sample, such as `skein_upstream_breaker_state{source="users"}`. */
  metric(sample: string): Promise<number | undefined>;
}

/** The shared test gateway, with settings, its log captured and /metrics at hand. */
export async function startHardenedGateway(
  files: { sources: Record<string, string>; composites?: Record<string, string> },
  settings: Partial<GatewaySettings> = {},
  via: Door = 'lane',
  graph: GraphOptions = {},
): Promise<HardenedGateway> {
  const log = captureLog();
  const logged = log.lines;
  const served = await startTestGateway(files, graph, { settings, logger: log.logger, via });
  const origin = new URL(served.url).origin;
  return {
    ...served,
    origin,
    logged,
    async metric(sample) {
      const text = await (await fetch(`${origin}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? undefined : Number(line.slice(sample.length + 1));
    },
    close: () => served.gateway.close(1_000),
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
