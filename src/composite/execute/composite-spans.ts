import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { TraceScope } from '../../observe/index.js';
import type { RequestContext } from '../../sources/index.js';
import type { CompositePlan, PlanStep } from '../plan.js';

/** Skein's attributes of composite spans. */
export const COMPOSITE_ATTRIBUTES = {
  composite: 'skein.composite',
  step: 'skein.composite.step',
  field: 'skein.composite.step.field',
  stage: 'skein.composite.stage',
  dependsOn: 'skein.composite.step.depends_on',
  status: 'skein.composite.step.status',
} as const;

type StepOutcome = { readonly status: 'done' | 'failed' | 'skipped' };

/**
 * The spans of one composite run in a traced request: one for the composite, and under it
 * one per step that starts (composite, step, stage), which is the parent of the step's
 * upstream calls. Steps of one stage run at once, so their spans overlap. The same seam
 * as PlanTrace (the request's context); with tracing off, or for a trace the sampler left
 * out, `start` returns undefined and the plan runs as before.
 */
export class CompositeSpans {
  readonly #scope: TraceScope;
  readonly #plan: CompositePlan;
  readonly #span: Span;
  readonly #context: ReturnType<TraceScope['start']>['context'];

  private constructor(scope: TraceScope, plan: CompositePlan) {
    this.#scope = scope;
    this.#plan = plan;
    const { span, context } = scope.start(`composite ${plan.name}`, { attributes: { [COMPOSITE_ATTRIBUTES.composite]: plan.name } });
    this.#span = span;
    this.#context = context;
  }

  static start(plan: CompositePlan, context: object): CompositeSpans | undefined {
    const scope = (context as RequestContext).trace;
    return scope?.recording ? new CompositeSpans(scope, plan) : undefined;
  }

  /** Runs one step inside its span: the upstream calls it causes start under it. */
  async step<T extends StepOutcome>(step: PlanStep, run: () => Promise<T>): Promise<T> {
    const { span, context } = this.#scope.start(
      `step ${this.#plan.name}.${step.key}`,
      {
        attributes: {
          [COMPOSITE_ATTRIBUTES.composite]: this.#plan.name,
          [COMPOSITE_ATTRIBUTES.step]: step.key,
          [COMPOSITE_ATTRIBUTES.field]: step.field,
          [COMPOSITE_ATTRIBUTES.stage]: this.#plan.stages.findIndex((stage) => stage.includes(step.key)) + 1,
          [COMPOSITE_ATTRIBUTES.dependsOn]: [...step.dependsOn],
        },
      },
      this.#context,
    );
    try {
      const outcome = await this.#scope.within(context, run);
      span.setAttribute(COMPOSITE_ATTRIBUTES.status, outcome.status);
      if (outcome.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: `step ${step.key} failed` });
      return outcome;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: `step ${step.key} failed unexpectedly` });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs the whole composite inside its span, which ends however the run ends. */
  async around<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: 'the composite failed unexpectedly' });
      throw error;
    } finally {
      this.#span.end();
    }
  }

  /** The composite's answer carries `errors` errors (failed or skipped steps). */
  failures(errors: number): void {
    if (errors > 0) this.#span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors} error(s) in the composite's answer` });
  }
}
