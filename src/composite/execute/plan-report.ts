import type { FlowInput } from '../../drawing/index.js';

// What a composite run reports in `extensions.plan` when the client sends
// `Skein-Expose-Plan: true`: the gateway writes it (plan-trace.ts, execute-plan.ts), the
// console's Explorer reads it. Types and plain functions only, so the browser imports
// this file as it is.

/** The request header that makes the gateway report plans and step times. */
export const EXPOSE_PLAN_HEADER = 'Skein-Expose-Plan';

/** One step's run. Times are ms since the request began. */
export interface StepTrace {
  readonly step: string;
  readonly field: string;
  readonly dependsOn: readonly string[];
  readonly status: 'done' | 'failed' | 'skipped';
  readonly startMs: number;
  readonly endMs: number;
}

/** One composite's run: its plan, its steps as they ran, and the drawing's input. */
export interface CompositeTrace {
  readonly composite: string;
  readonly stages: readonly (readonly string[])[];
  readonly criticalPath: readonly string[];
  readonly steps: StepTrace[];
  /** The plan as the drawing's input, each step's status after the run: a page draws it with src/drawing. */
  flow?: FlowInput;
}

/** The composites an answer's extensions report, or none when it carries no plan. */
export function compositeTraces(extensions: Readonly<Record<string, unknown>> | undefined): CompositeTrace[] {
  const plan = extensions?.plan;
  return Array.isArray(plan) ? (plan as CompositeTrace[]) : [];
}
