import { beforeAll, describe, expect, it } from 'vitest';
import { planEdges, type CompositePlan } from '../../src/composite/index.js';
import { flowOf } from '../../src/composite/explain/plan-flow.js';
import { drawFlow, layoutFlow, type FlowInput } from '../../src/drawing/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { layoutDefects } from './geometry.js';
import { byClass, findAll, parseSvg, textOf } from './svg-elements.js';

let plans: CompositePlan[];

beforeAll(async () => {
  // The demo's composites (schema/), planned without reaching their upstreams.
  const graph = await buildGraph(loadSchemaFolder('schema'), { onSourceError: 'degrade' });
  await graph.close();
  plans = [...graph.plans.values()];
});

describe('drawing the demo composites', () => {
  it('plans the three demo composites', () => {
    expect(plans.map((p) => p.name).sort()).toEqual(['customerStatement', 'hotelOrder', 'salary']);
  });

  it('lays every plan out cleanly: no edge under a box, no label crossed or overlapping, no boxes on top of each other', async () => {
    for (const plan of plans) {
      const layout = await layoutFlow(flowOf(plan));
      expect({ plan: plan.name, defects: layoutDefects(layout) }).toEqual({ plan: plan.name, defects: [] });
    }
  });

  it('draws every planEdges arrow exactly once, with its kind and label', async () => {
    for (const plan of plans) {
      const svg = parseSvg(await drawFlow(flowOf(plan)));
      const drawn = findAll(svg, byClass('flow-edge')).map((g) => {
        const [label] = findAll(g, byClass('flow-edge-label'));
        return `${g.attributes['data-from']} -${g.attributes['data-kind']}-> ${g.attributes['data-to']} ${label ? textOf(label) : ''}`;
      });
      const expected = planEdges(plan).map((e) => `${e.from} -${e.kind}-> ${e.to} ${e.label}`);
      expect(drawn.sort()).toEqual(expected.sort());
    }
  });

  it('draws each step once and marks the critical path on steps and arrows', async () => {
    for (const plan of plans) {
      const svg = parseSvg(await drawFlow(flowOf(plan)));
      const steps = findAll(svg, byClass('flow-step'));
      expect(steps.map((g) => g.attributes['data-step']).sort()).toEqual(plan.steps.map((s) => s.key).sort());
      const criticalSteps = steps.filter((g) => g.attributes['data-critical'] === 'true').map((g) => g.attributes['data-step']);
      expect(criticalSteps.sort()).toEqual([...plan.criticalPath].sort());
      const criticalEdges = findAll(svg, byClass('flow-edge'))
        .filter((g) => g.attributes['data-critical'] === 'true')
        .map((g) => [g.attributes['data-from'], g.attributes['data-to']]);
      const consecutive = plan.criticalPath.slice(1).map((to, i) => [plan.criticalPath[i], to]);
      for (const pair of consecutive) expect(criticalEdges).toContainEqual(pair);
      for (const pair of criticalEdges) expect(consecutive).toContainEqual(pair);
    }
  });

  it('salary: the gross → net dependency is drawn around socialInsurance, not behind it', async () => {
    const salary = plans.find((p) => p.name === 'salary')!;
    const layout = await layoutFlow(flowOf(salary));
    const direct = layout.edges.find((e) => e.from === 'grossSalary' && e.to === 'netSalary')!;
    expect(direct.points.length).toBeGreaterThan(2);
    expect(layoutDefects(layout)).toEqual([]);
  });

  it('is an accessible, standalone picture: role, title, aria-label, white background, no ids or style sheets', async () => {
    const hotelOrder = plans.find((p) => p.name === 'hotelOrder')!;
    const text = await drawFlow(flowOf(hotelOrder));
    const svg = parseSvg(text);
    expect(svg.attributes.role).toBe('img');
    expect(svg.attributes['aria-label']).toContain('hotelOrder');
    expect(svg.attributes['aria-label']).toContain('critical path order → user');
    expect(svg.children[0].name).toBe('title');
    expect(svg.children.find((c) => c.name === 'rect')?.attributes.fill).toBe('#ffffff');
    // Inlined in a page any number of times, it must not leak styles or collide on ids.
    expect(text).not.toMatch(/<style|\sid="/);
  });
});

describe('drawing any flow', () => {
  const flow = (overrides: Partial<FlowInput> = {}): FlowInput => ({
    name: 'f',
    steps: [
      { id: 'a', label: 'a', conditional: false, critical: true },
      { id: 'b', label: 'b', conditional: false, critical: true },
    ],
    edges: [{ from: 'a', to: 'b', kind: 'data', label: '$x', critical: true }],
    ...overrides,
  });

  it('cuts a long name with an ellipsis and keeps the full text in the tooltip', async () => {
    const long = 'aVeryLongStepNameThatNoBoxShouldEverHaveToHoldInFullBecauseItIsSillyLong';
    const input = flow({ steps: [{ id: 'a', label: long, detail: 'Query.a', conditional: false, critical: true }, flow().steps[1]] });
    const svg = parseSvg(await drawFlow(input));
    const [step] = findAll(svg, (e) => e.attributes['data-step'] === 'a');
    const texts = findAll(step, (e) => e.name === 'text').map(textOf);
    expect(texts[0]).toMatch(/^aVeryLong.*…$/);
    expect(texts[0].length).toBeLessThan(long.length);
    expect(textOf(step.children.find((c) => c.name === 'title')!)).toContain(long);
    const rect = step.children.find((c) => c.name === 'rect')!;
    expect(Number(rect.attributes.width)).toBeLessThanOrEqual(260);
  });

  it('says which edge names a step that does not exist', async () => {
    await expect(layoutFlow(flow({ edges: [{ from: 'a', to: 'c', kind: 'data', label: '', critical: false }] }))).rejects.toThrow(
      'flow "f": edge 1 (a → c) names step "c", which is not among the steps (a, b)',
    );
  });

  it('draws steps whatever their names, even those of ELK\'s own graph and edges', async () => {
    const steps = ['flow', 'e0', 'edge:0', 'step:x'].map((id) => ({ id, label: id, conditional: false, critical: false }));
    const edges = [
      { from: 'flow', to: 'e0', kind: 'data' as const, label: '$a', critical: false },
      { from: 'e0', to: 'edge:0', kind: 'data' as const, label: '$b', critical: false },
      { from: 'edge:0', to: 'step:x', kind: 'order' as const, label: 'then', critical: false },
    ];
    const layout = await layoutFlow({ name: 'names', steps, edges });
    expect(layout.steps.map((s) => s.id)).toEqual(['flow', 'e0', 'edge:0', 'step:x']);
    expect(layoutDefects(layout)).toEqual([]);
  });

  it('says which step id appears twice', async () => {
    await expect(layoutFlow(flow({ steps: [...flow().steps, flow().steps[0]] }))).rejects.toThrow('step id "a" appears twice');
  });

  it('shows how each step ended when the flow describes a run', async () => {
    const input = flow({
      steps: [
        { id: 'a', label: 'a', conditional: false, critical: true, status: 'ok' },
        { id: 'b', label: 'b', conditional: false, critical: true, status: 'error' },
      ],
    });
    const svg = parseSvg(await drawFlow(input));
    expect(findAll(svg, byClass('flow-step')).map((g) => g.attributes['data-status'])).toEqual(['ok', 'error']);
  });
});
