import type { Clock } from '../../src/sources/http/clock.js';
import { sourceGuards } from '../../src/sources/http/source-guards.js';

/** A clock that moves only when told: a breaker's pause passes in an instant, or not at all. */
export class ManualClock implements Clock {
  #now = 0;

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/**
 * Gives the circuit breakers of every source guard created from now on (the gateways
 * this test process starts) a manual clock; `restore` goes back to real time.
 */
export function useManualClock(): { clock: ManualClock; restore(): void } {
  const clock = new ManualClock();
  const before = sourceGuards.clock;
  sourceGuards.clock = clock;
  return { clock, restore: () => void (sourceGuards.clock = before) };
}
