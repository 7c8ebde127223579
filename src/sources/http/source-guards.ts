import { realClock, type Clock } from './clock.js';
import type { ResiliencePolicy } from './resilience-policy.js';
import { SourceGuard } from './source-guard.js';

interface Held {
  readonly guard: SourceGuard;
  holders: number;
  /** Order of the last acquire, to find the newest guard of a name. */
  acquired: number;
}

/**
 * Every source's guard in this process, shared by the graphs that call it. A reload
 * builds new HttpClients while the old graph still serves; both hold the same guard
 * (same name, URL and policy), so a circuit that is open stays open across the swap.
 * A guard is dropped when its last client closes.
 */
export class SourceGuards {
  readonly #held = new Map<string, Held>();
  #acquisitions = 0;
  /**
   * The clock of the guards created from now on (a guard keeps the one it was created
   * with). Real time; tests that run a gateway in their own process set a manual one.
   */
  clock: Clock = realClock;

  acquire(source: string, url: string | undefined, policy: ResiliencePolicy): SourceGuard {
    const key = `${source}\n${url ?? ''}\n${JSON.stringify(policy)}`;
    let held = this.#held.get(key);
    // A guard on another clock is not shared: it would measure the breaker's pause differently.
    if (!held || held.guard.clock !== this.clock) {
      held = { guard: new SourceGuard(source, policy, this.clock), holders: 0, acquired: 0 };
      this.#held.set(key, held);
    }
    held.holders++;
    held.acquired = ++this.#acquisitions;
    return held.guard;
  }

  release(guard: SourceGuard): void {
    for (const [key, held] of this.#held) {
      if (held.guard !== guard) continue;
      if (--held.holders <= 0) this.#held.delete(key);
      return;
    }
  }

  /** The guards in use, one per source name (the newest when a name has several). */
  list(): SourceGuard[] {
    const byName = new Map<string, Held>();
    for (const held of this.#held.values()) {
      const known = byName.get(held.guard.source);
      if (!known || known.acquired < held.acquired) byName.set(held.guard.source, held);
    }
    return [...byName.values()].map((held) => held.guard).sort((a, b) => a.source.localeCompare(b.source));
  }

  /** The newest guard of a source, if one is in use. */
  find(source: string): SourceGuard | undefined {
    return this.list().find((guard) => guard.source === source);
  }
}

/** The process's guards: what the transport uses and what /metrics and the admin API show. */
export const sourceGuards = new SourceGuards();
