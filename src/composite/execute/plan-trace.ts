import { performance } from 'node:perf_hooks';
import type { FlowInput } from '../../drawing/index.js';

/** One step's run, as reported with `Skein-Expose-Plan: true`. Times are ms since the request began. */
export interface StepTrace {
  readonly step: string;
  readonly field: string;
  readonly dependsOn: readonly string[];
  readonly status: 'done' | 'failed' | 'skipped';
  readonly startMs: number;
  readonly endMs: number;
}

export interface CompositeTrace {
  readonly composite: string;
  readonly stages: readonly (readonly string[])[];
  readonly criticalPath: readonly string[];
  readonly steps: StepTrace[];
  /** The plan as the drawing's input, each step's status after the run: a page draws it with src/drawing. */
  flow?: FlowInput;
}

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
