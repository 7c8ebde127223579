import type { CacheStats } from '../cache/index.js';
import { sourceGuards, type SourceGuards } from '../sources/http/source-guards.js';

/** How a GraphQL request ended, as /metrics counts it. */
export type RequestOutcome = 'ok' | 'partial' | 'failed' | 'rejected';

const BREAKER_VALUES = { closed: 0, open: 1, 'half-open': 2, disabled: -1 } as const;

/**
 * The gateway's counters, and their Prometheus text exposition at /metrics. Counting is
 * a field increment; all formatting happens when /metrics is read.
 *
 * - `skein_requests_total{outcome}`: ok (no errors), partial (data and errors), failed
 *   (errors, no data), rejected (refused before running: parse, validation, limits).
 * - `skein_requests_in_flight`, `skein_errors_masked_total`.
 * - `skein_admin_denied_total`: admin requests refused for their token (the audit trail
 *   has one row per address and minute of them).
 * - per source: `skein_upstream_breaker_state` (0 closed, 1 open, 2 half-open, -1 off),
 *   `skein_upstream_calls_total`, `skein_upstream_failures_total`,
 *   `skein_upstream_retries_total`, `skein_upstream_rejected_total{reason}`
 *   (circuit_open, overloaded), `skein_upstream_in_flight`, `skein_upstream_queue_depth`.
 * - with `--cache`: `skein_cache_lookups_total{result}` (hit, miss: answers and upstream
 *   calls together), `skein_cache_stored_total`, `skein_cache_skipped_total{reason="too_large"}`.
 * - process: resident memory, heap used, uptime.
 */
export class GatewayMetrics {
  readonly requests: Record<RequestOutcome, number> = { ok: 0, partial: 0, failed: 0, rejected: 0 };
  maskedErrors = 0;
  adminDenied = 0;
  /** The response cache's counters, when the gateway caches. */
  cache: CacheStats | undefined;
  readonly #started = Date.now();

  constructor(
    private readonly inFlight: () => number = () => 0,
    private readonly guards: SourceGuards = sourceGuards,
  ) {}

  count(outcome: RequestOutcome): void {
    this.requests[outcome]++;
  }

  /** The Prometheus text format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: readonly [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    family('skein_requests_total', 'counter', 'GraphQL requests by outcome.', Object.entries(this.requests).map(([o, n]) => [`{outcome="${o}"}`, n]));
    family('skein_requests_in_flight', 'gauge', 'HTTP requests being served.', [['', this.inFlight()]]);
    family('skein_errors_masked_total', 'counter', 'Unexpected errors masked for clients (and logged).', [['', this.maskedErrors]]);
    family('skein_admin_denied_total', 'counter', 'Admin API requests refused for a missing or wrong token.', [['', this.adminDenied]]);
    if (this.cache) {
      const { hits, misses, stored, tooLarge } = this.cache;
      family('skein_cache_lookups_total', 'counter', 'Response cache lookups (answers and upstream calls) by result.', [['{result="hit"}', hits], ['{result="miss"}', misses]]);
      family('skein_cache_stored_total', 'counter', 'Entries written to the response cache.', [['', stored]]);
      family('skein_cache_skipped_total', 'counter', 'Entries not cached, by reason (too_large: over --cache-max-entry-bytes).', [['{reason="too_large"}', tooLarge]]);
    }
    const guards = this.guards.list();
    const per = (pick: (g: (typeof guards)[number]) => number): [string, number][] => guards.map((g) => [`{source="${label(g.source)}"}`, pick(g)]);
    family('skein_upstream_breaker_state', 'gauge', 'Circuit breaker per source: 0 closed, 1 open, 2 half-open, -1 disabled.', per((g) => BREAKER_VALUES[g.breakerState]));
    family('skein_upstream_calls_total', 'counter', 'Upstream calls made (retries not counted twice).', per((g) => g.calls));
    family('skein_upstream_failures_total', 'counter', 'Attempts that failed against the source (no connection, timeout, HTTP 500/502/503/504).', per((g) => g.failures));
    family('skein_upstream_retries_total', 'counter', 'Attempts repeated after a retryable failure.', per((g) => g.retries));
    family(
      'skein_upstream_rejected_total',
      'counter',
      'Calls not sent: the circuit was open, or the source was at maxConcurrency with a full queue.',
      guards.flatMap((g): [string, number][] => [
        [`{source="${label(g.source)}",reason="circuit_open"}`, g.shortCircuited],
        [`{source="${label(g.source)}",reason="overloaded"}`, g.rejected],
      ]),
    );
    family('skein_upstream_in_flight', 'gauge', 'Upstream calls in flight per source.', per((g) => g.active));
    family('skein_upstream_queue_depth', 'gauge', 'Upstream calls waiting for a slot per source.', per((g) => g.queued));
    const memory = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', memory.rss]]);
    family('nodejs_heap_used_bytes', 'gauge', 'V8 heap used in bytes.', [['', memory.heapUsed]]);
    family('process_uptime_seconds', 'gauge', 'Seconds since the gateway started.', [['', Math.round((Date.now() - this.#started) / 1000)]]);
    return `${lines.join('\n')}\n`;
  }
}

function label(value: string): string {
  return value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
