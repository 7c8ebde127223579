import { print } from 'graphql';
import type { CompositePlan } from '../plan.js';
import { planEdges } from './plan-edges.js';
import { flowOf } from './plan-flow.js';

export type PlanFormat = 'text' | 'json' | 'mermaid' | 'dot' | 'svg' | 'png';

export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'json', 'mermaid', 'dot', 'svg', 'png'];

/**
 * A plan as readable text, JSON, a Mermaid flowchart, a Graphviz DOT graph, or a picture:
 * SVG text or PNG bytes, laid out by ELK (src/drawing), the drawing the console shows too.
 * The drawing code (elkjs, resvg) is loaded on the first picture only, in a worker thread.
 */
export async function explainPlan(plan: CompositePlan, format: 'png'): Promise<Uint8Array>;
export async function explainPlan(plan: CompositePlan, format: Exclude<PlanFormat, 'png'>): Promise<string>;
export async function explainPlan(plan: CompositePlan, format: PlanFormat): Promise<string | Uint8Array>;
export async function explainPlan(plan: CompositePlan, format: PlanFormat): Promise<string | Uint8Array> {
  switch (format) {
    case 'json':
      return JSON.stringify(planToJSON(plan), null, 2);
    case 'mermaid':
      return toMermaid(plan);
    case 'dot':
      return toDot(plan);
    case 'svg':
    case 'png': {
      const { drawFlow } = await import('../../drawing/index.js');
      const { layoutInThread } = await import('./drawing-worker.js');
      const svg = await drawFlow(flowOf(plan), { engine: layoutInThread });
      if (format === 'svg') return svg;
      const { svgToPng } = await import('./svg-to-png.js');
      return svgToPng(svg);
    }
    default:
      return planToText(plan);
  }
}

/** The plan as plain data: steps with their dependencies, exports, conditions and query. */
export function planToJSON(plan: CompositePlan) {
  return {
    composite: plan.name,
    file: plan.file,
    operation: plan.operation,
    description: plan.description ?? null,
    variables: plan.variables,
    steps: plan.steps.map((step) => ({
      key: step.key,
      field: step.field,
      dependsOn: step.dependsOn,
      after: step.after ?? null,
      uses: step.uses,
      exports: step.exports,
      conditions: step.conditions,
      query: print(step.document),
    })),
    stages: plan.stages,
    criticalPath: plan.criticalPath,
    edges: planEdges(plan),
  };
}

/** The plan as readable text: stages, a table of steps, the critical path. */
export function planToText(plan: CompositePlan): string {
  const lines = [`${plan.name}  (${plan.operation}, ${plan.file})`];
  if (plan.description) lines.push(...plan.description.split('\n').map((l) => `  ${l}`));
  lines.push('');
  plan.stages.forEach((stage, i) => {
    const conditional = stage.some((key) => plan.steps.find((s) => s.key === key)!.conditions.length > 0);
    const note = stage.length > 1 ? `   (in parallel${conditional ? ', each if its condition holds' : ''})` : '';
    lines.push(`  stage ${i + 1}  ${stage.join(' ‖ ')}${note}`);
  });
  lines.push('');
  const rows = plan.steps.map((step) => {
    const needs = step.uses
      .map((name) => {
        const from = plan.variables.find((v) => v.name === name)?.exportedBy;
        return from ? `$${name} ← ${from}` : `$${name}`;
      })
      .join(', ');
    const exports = step.exports.map((e) => `$${e.variable}${e.test ? ` (${describeTest(e.test)})` : ''}`).join(' ');
    const condition = [
      ...step.conditions.map((c) => `${c.kind === 'include' ? 'if' : 'unless'} ${c.variable ? `$${c.variable}` : c.literal}`),
      ...(step.after ? [`after ${step.after}`] : []),
    ].join(', ');
    return [step.key, step.field, needs || '—', exports || '—', condition || '—'];
  });
  lines.push(...table(['step', 'field', 'needs', 'exports', 'runs'], rows).map((l) => `  ${l}`));
  lines.push('');
  lines.push(
    `  critical path: ${plan.criticalPath.join(' → ')}  (${plan.criticalPath.length} of ${plan.steps.length} steps in sequence)`,
  );
  return lines.join('\n');
}

function toMermaid(plan: CompositePlan): string {
  const id = (key: string) => `s_${key.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart LR'];
  for (const step of plan.steps) lines.push(`  ${id(step.key)}["${step.key}<br/><small>${step.field}</small>"]`);
  for (const edge of planEdges(plan)) {
    const arrow = edge.kind === 'data' ? '-->' : '-.->';
    lines.push(`  ${id(edge.from)} ${arrow}|"${edge.label}"| ${id(edge.to)}`);
  }
  lines.push('  classDef critical stroke-width:3px');
  lines.push(`  class ${plan.criticalPath.map(id).join(',')} critical`);
  return lines.join('\n');
}

function toDot(plan: CompositePlan): string {
  const quote = (text: string) => `"${text.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n')}"`;
  const critical = new Set(plan.criticalPath);
  const lines = [`digraph ${quote(plan.name)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const step of plan.steps) {
    lines.push(`  ${quote(step.key)} [label=${quote(`${step.key}\n${step.field}`)}${critical.has(step.key) ? ', penwidth=2' : ''}];`);
  }
  for (const edge of planEdges(plan)) {
    const style = edge.kind === 'data' ? '' : edge.kind === 'condition' ? ', style=dashed' : ', style=dotted';
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(edge.label)}${style}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

function describeTest(test: object): string {
  return Object.entries(test)
    .map(([name, value]) => `${name} ${JSON.stringify(value)}`)
    .join(', ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
