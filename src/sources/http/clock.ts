/**
 * Where the circuit breakers read the time. Real time in the gateway; a test gives the
 * guards a clock it moves by hand, so "the circuit half-opens after halfOpenAfterMs" is
 * checked by advancing the clock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds, on any fixed origin (real time: since the epoch). */
  now(): number;
}

export const realClock: Clock = { now: () => Date.now() };
