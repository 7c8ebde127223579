import type { SourceHealth } from '../../generated/admin.js';
import type { SourceGuard } from '../../sources/http/source-guard.js';
import { sourceGuards } from '../../sources/http/source-guards.js';

const BREAKER_STATES = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF_OPEN', disabled: 'DISABLED' } as const;

/** A source's guard as the admin API shows it (`Source.health`, `Query.health`). */
export function sourceHealth(guard: SourceGuard): SourceHealth {
  return {
    source: guard.source,
    breaker: BREAKER_STATES[guard.breakerState],
    openedAt: guard.openedAt === undefined ? null : new Date(guard.openedAt).toISOString(),
    lastFailure: guard.lastFailure ?? null,
    inFlight: guard.active,
    queued: guard.queued,
    calls: guard.calls,
    failures: guard.failures,
    retries: guard.retries,
    rejected: guard.rejected,
    shortCircuited: guard.shortCircuited,
    policy: guard.policy,
  };
}

/** The health of the sources the served graph calls, by name. */
export function servedHealth(names: Iterable<string>): SourceHealth[] {
  const wanted = new Set(names);
  return sourceGuards.list().filter((guard) => wanted.has(guard.source)).map(sourceHealth);
}
