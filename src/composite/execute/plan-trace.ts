import type { CompositeTrace } from './plan-report.js';

const TRACE = Symbol('skein.planTrace');

/**
 * Collects step timings for one request. It exists only when the client asked for it,
 * so a request without the header computes nothing extra.
 */
export class PlanTrace {
  readonly #origin = performance.now();
  readonly composites: CompositeTrace[] = [];

  now(): number {
    return Math.round((performance.now() - this.#origin) * 100) / 100;
  }

  static attach(context: object): PlanTrace {
    const trace = new PlanTrace();
    (context as Record<symbol, unknown>)[TRACE] = trace;
    return trace;
  }

  static of(context: unknown): PlanTrace | undefined {
    return context && typeof context === 'object' ? ((context as Record<symbol, unknown>)[TRACE] as PlanTrace | undefined) : undefined;
  }
}
