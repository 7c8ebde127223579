import type { FlowInput } from '../../drawing/index.js';
import type { CompositePlan } from '../plan.js';
import { planEdges } from './plan-edges.js';

/**
 * What the drawing shows of a plan: its steps and the same arrows as the text, Mermaid
 * and DOT forms (planEdges). An arrow is critical when it joins two consecutive steps of
 * the critical path.
 */
export function flowOf(plan: CompositePlan, status?: ReadonlyMap<string, 'ok' | 'error' | 'skipped'>): FlowInput {
  const critical = new Set(plan.criticalPath);
  const next = new Map(plan.criticalPath.slice(1).map((key, i) => [plan.criticalPath[i], key]));
  return {
    name: plan.name,
    title: `${plan.name} (${plan.operation})`,
    steps: plan.steps.map((step) => {
      const ended = status?.get(step.key);
      return {
        id: step.key,
        label: step.key,
        detail: step.field,
        conditional: step.conditions.length > 0,
        critical: critical.has(step.key),
        ...(ended ? { status: ended } : {}),
      };
    }),
    edges: planEdges(plan).map((edge) => ({ ...edge, critical: next.get(edge.from) === edge.to })),
  };
}
