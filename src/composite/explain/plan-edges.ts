import type { CompositePlan } from '../plan.js';

/** An arrow of a plan drawing: data, a condition on data, or mutation order. */
export interface PlanEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'data' | 'condition' | 'order';
  /** `$userId`, `if $verified`, `unless $verified`, `then`. */
  readonly label: string;
}

/** The arrows every drawing shares, so text, Mermaid and DOT show the same plan. */
export function planEdges(plan: CompositePlan): PlanEdge[] {
  const edges: PlanEdge[] = [];
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) {
      const variables = plan.variables.filter((v) => v.exportedBy === dep && step.uses.includes(v.name)).map((v) => v.name);
      const conditions = step.conditions.filter((c) => c.variable && variables.includes(c.variable));
      const data = variables.filter((v) => !conditions.some((c) => c.variable === v));
      if (data.length) edges.push({ from: dep, to: step.key, kind: 'data', label: data.map((v) => `$${v}`).join(' ') });
      for (const condition of conditions) {
        edges.push({
          from: dep,
          to: step.key,
          kind: 'condition',
          label: `${condition.kind === 'include' ? 'if' : 'unless'} $${condition.variable}`,
        });
      }
    }
    if (step.after && !step.dependsOn.includes(step.after)) {
      edges.push({ from: step.after, to: step.key, kind: 'order', label: 'then' });
    }
  }
  return edges;
}
