import { execute, GraphQLError, type GraphQLSchema } from 'graphql';
import { flowOf } from '../explain/plan-flow.js';
import type { CompositePlan, PlanStep } from '../plan.js';
import { exportValue } from './export-values.js';
import type { CompositeTrace } from './plan-report.js';
import { PlanTrace } from './plan-trace.js';
import { CompositeSpans } from './composite-spans.js';
import { placeError } from './step-errors.js';

export interface PlanRun {
  readonly plan: CompositePlan;
  /** The served schema: steps run against it, so a step may call another composite. */
  readonly schema: GraphQLSchema;
  /** The caller's variables, in their external (JSON) form. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The request's context, shared with every step (and so are its loaders). */
  readonly context: object;
  /** The steps the client selected (queries only); the others run only if needed. */
  readonly selected?: ReadonlySet<string>;
}

type Outcome =
  | { readonly status: 'done'; readonly data: unknown }
  | { readonly status: 'failed'; readonly data: unknown }
  | { readonly status: 'skipped'; readonly error?: GraphQLError };

/**
 * Runs a plan as a dataflow: each step starts the moment the steps it depends on have
 * finished, not level by level. A step's exports become variables of the steps that use
 * them. A failed step takes down only the steps that need its exports; they are skipped
 * with an error naming the missing input and where it should have come from.
 * Returns the merged result in document order, each error recorded at its place.
 */
export function executePlan(run: PlanRun): Promise<Record<string, unknown>> {
  // Spans of the composite and each step, when the request is traced (OpenTelemetry).
  const spans = CompositeSpans.start(run.plan, run.context);
  return spans ? spans.around(() => runPlan(run, spans)) : runPlan(run, undefined);
}

async function runPlan(run: PlanRun, spans: CompositeSpans | undefined): Promise<Record<string, unknown>> {
  const { plan, schema, context } = run;
  const byKey = stepsByKey(plan);
  const variables: Record<string, unknown> = { ...run.variables };
  const outcomes = new Map<string, Promise<Outcome>>();
  const trace = PlanTrace.of(context);
  const traced: CompositeTrace | undefined = trace && {
    composite: plan.name,
    stages: plan.stages,
    criticalPath: plan.criticalPath,
    steps: [],
  };
  if (traced) trace!.composites.push(traced);

  const errors: { error: GraphQLError; key: string }[] = [];
  const skipped = (message: string): Outcome => {
    const error = new GraphQLError(message, { extensions: { code: 'COMPOSITE_STEP_SKIPPED', composite: plan.name } });
    return { status: 'skipped', error };
  };

  const start = (step: PlanStep): Promise<Outcome> => {
    let outcome = outcomes.get(step.key);
    if (!outcome) {
      outcome = runStep(step);
      outcomes.set(step.key, outcome);
    }
    return outcome;
  };

  const runStep = async (step: PlanStep): Promise<Outcome> => {
    const inputs = await Promise.all(step.dependsOn.map((key) => start(byKey.get(key)!).then((o) => [key, o] as const)));
    if (step.after) await start(byKey.get(step.after)!);
    const startedAt = traced ? trace!.now() : 0;
    const outcome = spans ? await spans.step(step, () => attempt(step, new Map(inputs))) : await attempt(step, new Map(inputs));
    traced?.steps.push({
      step: step.key,
      field: step.field,
      dependsOn: step.dependsOn,
      status: outcome.status,
      startMs: startedAt,
      endMs: trace!.now(),
    });
    return outcome;
  };

  const attempt = async (step: PlanStep, inputs: ReadonlyMap<string, Outcome>): Promise<Outcome> => {
    for (const [key, input] of inputs) {
      if (input.status === 'done' || (input.status === 'skipped' && !input.error)) continue;
      const needed = plan.variables.filter((v) => v.exportedBy === key && step.uses.includes(v.name)).map((v) => `$${v.name}`);
      return skipped(
        `Step "${step.key}" did not run: it needs ${needed.join(', ')} from step "${key}", which ${input.status === 'failed' ? 'failed' : 'did not run'}`,
      );
    }
    if (!conditionsHold(step, variables)) return { status: 'skipped' };
    for (const name of step.requires) {
      if (variables[name] === null || variables[name] === undefined) {
        const from = byKey.get(plan.variables.find((v) => v.name === name)!.exportedBy!)!;
        const path = from.exports.find((e) => e.variable === name)!.path.join('.');
        return skipped(
          `Step "${step.key}" did not run: $${name} is ${inputs.get(from.key)?.status === 'skipped' ? 'missing because step "' + from.key + '" was skipped' : `null (exported by ${path})`}, and ${step.field} needs a value`,
        );
      }
    }
    const result = await execute({
      schema,
      document: step.document,
      variableValues: pick(variables, step.uses),
      contextValue: context,
    });
    const data = (result.data as Record<string, unknown> | null | undefined)?.[step.key] ?? null;
    for (const exported of step.exports) variables[exported.variable] = exportValue(data, exported);
    if (result.errors?.length) {
      errors.push(...result.errors.map((error) => ({ error, key: step.key })));
      return { status: data === null ? 'failed' : 'done', data };
    }
    return { status: 'done', data };
  };

  const wanted = stepsToRun(plan, run.selected);
  const results = await Promise.all(wanted.map((step) => start(step).then((outcome) => [step.key, outcome] as const)));
  const merged: Record<string, unknown> = {};
  for (const [key, outcome] of results) {
    merged[key] = outcome.status === 'skipped' ? null : outcome.data;
    if (outcome.status === 'skipped' && outcome.error) placeError(merged, outcome.error, key);
  }
  for (const { error, key } of errors) placeError(merged, error, key);
  if (traced) traced.flow = flowOf(plan, new Map(traced.steps.map((step) => [step.step, FLOW_STATUS[step.status]])));
  spans?.failures(errors.length + results.filter(([, outcome]) => outcome.status === 'skipped' && outcome.error).length);
  return merged;
}

const FLOW_STATUS = { done: 'ok', failed: 'error', skipped: 'skipped' } as const;

/** The selected steps and everything they depend on, in document order; all steps of a mutation. */
function stepsToRun(plan: CompositePlan, selected: ReadonlySet<string> | undefined): PlanStep[] {
  if (!selected || plan.operation === 'mutation') return [...plan.steps];
  const needed = new Set<string>();
  const byKey = stepsByKey(plan);
  const add = (key: string) => {
    if (needed.has(key) || !byKey.has(key)) return;
    needed.add(key);
    for (const dep of byKey.get(key)!.dependsOn) add(dep);
  };
  for (const key of selected) add(key);
  return plan.steps.filter((step) => needed.has(step.key));
}

const indexes = new WeakMap<CompositePlan, ReadonlyMap<string, PlanStep>>();

/** The plan's steps by key, built once per plan rather than per request. */
function stepsByKey(plan: CompositePlan): ReadonlyMap<string, PlanStep> {
  let index = indexes.get(plan);
  if (!index) indexes.set(plan, (index = new Map(plan.steps.map((step) => [step.key, step]))));
  return index;
}

function conditionsHold(step: PlanStep, variables: Readonly<Record<string, unknown>>): boolean {
  return step.conditions.every((condition) => {
    const value = condition.variable !== undefined ? variables[condition.variable] === true : condition.literal === true;
    return condition.kind === 'include' ? value : !value;
  });
}

function pick(values: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (values[name] !== undefined) out[name] = values[name];
  return out;
}
