import type { FlowInput } from '../../../src/drawing/index';

/** One composite of `extensions.plan`, as the gateway reports a run with `Skein-Expose-Plan: true`. */
export interface CompositeRun {
  readonly composite: string;
  readonly stages: readonly (readonly string[])[];
  readonly criticalPath: readonly string[];
  readonly steps: readonly StepRun[];
  readonly flow?: FlowInput;
}

export interface StepRun {
  readonly step: string;
  readonly field: string;
  readonly dependsOn: readonly string[];
  readonly status: 'done' | 'failed' | 'skipped';
  /** ms since the request began. */
  readonly startMs: number;
  readonly endMs: number;
}

/** The request header that makes the gateway report plans and step times. */
export const EXPOSE_PLAN_HEADER = 'Skein-Expose-Plan';

/** The composites of an answer's extensions, or none when it carries no plan. */
export function compositeRuns(extensions: Record<string, unknown> | undefined): CompositeRun[] {
  const plan = extensions?.plan;
  return Array.isArray(plan) ? (plan as CompositeRun[]) : [];
}
