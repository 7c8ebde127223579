import { beforeAll, describe, expect, it } from 'vitest';
import { flowOf, planEdges, type CompositePlan } from '../../src/composite/index.js';
import { layoutFlow, type FlowInput, type FlowLayout } from '../../src/drawing/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { HOTEL_ORDER, SALARY, STATEMENT, WORLD_SDL } from '../composite/world.js';
import { layoutDefects } from './geometry.js';

/** Composites of the test world (test/composite/world.ts) with more steps and every kind of arrow. */
const COMPOSITES = {
  'hotelOrder.graphql': HOTEL_ORDER,
  'salary.graphql': SALARY,
  'statement.graphql': STATEMENT,
  'journal.graphql': `mutation journal($a: ID @internal, $b: ID @internal) {
    first: record(step: 1) { id @export(as: "a") }
    second: record(step: 2, after: $a) { id @export(as: "b") }
    third: record(step: 3, after: $b) { id }
    fourth: record(step: 4) { id }
  }`,
  'bookingSummary.graphql': `query bookingSummary($orderId: ID!, $stars: ID @internal) {
    hotelOrder(orderId: $orderId) { hotel { stars @export(as: "stars") } }
    stars: hotel(id: $stars) { name }
  }`,
  // Ten steps, three chains side by side, conditions and a step fed by two chains.
  'dossier.graphql': `query dossier($orderId: ID!, $employeeId: ID!, $customerId: ID!,
      $userId: ID @internal, $hotelId: ID @internal, $roomId: ID @internal,
      $gross: Float @internal, $insurance: Float @internal, $verified: Boolean! @internal) {
    order(id: $orderId) { userId @export(as: "userId") hotelId @export(as: "hotelId") roomId @export(as: "roomId") }
    user(id: $userId) { name }
    hotel(id: $hotelId) { name }
    room(roomId: $roomId) { type }
    gross(employeeId: $employeeId) { amount @export(as: "gross") }
    insurance(gross: $gross) { amount @export(as: "insurance") }
    net(gross: $gross, insurance: $insurance) { amount }
    verification(customerId: $customerId) { status @export(as: "verified", equals: "PASSED") }
    statement(customerId: $customerId) @include(if: $verified) { iban }
    warning(customerId: $customerId) @skip(if: $verified) { message }
    verifiedNet: net(gross: $gross, insurance: $insurance) @include(if: $verified) { amount }
    guestRoom: room(roomId: $roomId) @include(if: $verified) { floor }
  }`,
};

let plans: ReadonlyMap<string, CompositePlan>;

beforeAll(async () => {
  const graph = await buildGraph({
    sources: [{ path: 'world.graphql', text: WORLD_SDL('http://127.0.0.1:9') }],
    composites: Object.entries(COMPOSITES).map(([path, text]) => ({ path, text })),
  });
  await graph.close();
  plans = graph.plans;
});

describe('drawing the test world’s composites', () => {
  it('lays out each of them cleanly and draws each arrow once', async () => {
    expect([...plans.keys()].sort()).toEqual(['bookingSummary', 'dossier', 'customerStatement', 'hotelOrder', 'journal', 'salary'].sort());
    for (const plan of plans.values()) {
      const layout = await layoutFlow(flowOf(plan));
      expect({ plan: plan.name, defects: layoutDefects(layout) }).toEqual({ plan: plan.name, defects: [] });
      expect(layout.edges.map((e) => `${e.from}>${e.to}:${e.kind}:${e.label}`)).toEqual(
        planEdges(plan).map((e) => `${e.from}>${e.to}:${e.kind}:${e.label}`),
      );
    }
  });

  it('journal: mutation order is drawn as dotted "then" arrows, data as solid ones', async () => {
    const layout = await layoutFlow(flowOf(plans.get('journal')!));
    expect(layout.edges.map((e) => [e.from, e.to, e.kind, e.label])).toEqual([
      ['first', 'second', 'data', '$a'],
      ['second', 'third', 'data', '$b'],
      ['third', 'fourth', 'order', 'then'],
    ]);
  });

  it('dossier: a step that needs data from one step and a condition from another gets both arrows', async () => {
    const layout = await layoutFlow(flowOf(plans.get('dossier')!));
    const into = layout.edges.filter((e) => e.to === 'verifiedNet').map((e) => `${e.from} ${e.kind} ${e.label}`);
    expect(into.sort()).toEqual(['gross data $gross', 'insurance data $insurance', 'verification condition if $verified']);
  });
});

describe('drawing generated flows', () => {
  /** A reproducible random DAG: each step takes inputs from up to three earlier steps. */
  function randomFlow(seed: number, size: number): FlowInput {
    let state = seed;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const steps = Array.from({ length: size }, (_, i) => ({
      id: `s${i}`,
      label: `step${i}${'x'.repeat(Math.floor(next() * 12))}`,
      detail: `Query.field${i}`,
      conditional: next() < 0.2,
      critical: false,
    }));
    const edges: FlowInput['edges'][number][] = [];
    for (let i = 1; i < size; i++) {
      const inputs = 1 + Math.floor(next() * 3);
      for (let k = 0; k < inputs; k++) {
        const from = Math.floor(next() * i);
        const kind = next() < 0.25 ? 'condition' : 'data';
        edges.push({ from: `s${from}`, to: `s${i}`, kind, label: kind === 'condition' ? `if $v${from}` : `$value${from}_${k}`, critical: false });
      }
    }
    return { name: `random${seed}`, steps, edges };
  }

  it('keeps every edge off the boxes and every label clear, on flows of 12 to 30 steps', async () => {
    for (const [seed, size] of [
      [1, 12],
      [7, 20],
      [42, 30],
    ]) {
      const flow = randomFlow(seed, size);
      const layout: FlowLayout = await layoutFlow(flow);
      expect({ seed, defects: layoutDefects(layout) }).toEqual({ seed, defects: [] });
      expect(layout.edges).toHaveLength(flow.edges.length);
    }
  });
});

describe('the geometric checks themselves', () => {
  it('catch the drawing the hand-written layout made of salary: gross → net straight behind socialInsurance', () => {
    const box = (id: string, x: number) => ({ id, x, y: 20, width: 150, height: 50 });
    const layout: FlowLayout = {
      width: 700,
      height: 100,
      steps: [box('grossSalary', 20), box('socialInsurance', 270), box('netSalary', 520)],
      edges: [
        { from: 'grossSalary', to: 'netSalary', kind: 'data', label: '$gross', critical: false, points: [{ x: 170, y: 45 }, { x: 520, y: 45 }], labelBox: { x: 320, y: 35, width: 40, height: 16 } },
      ],
    };
    expect(layoutDefects(layout)).toEqual([
      'edge grossSalary → netSalary ($gross) passes under box socialInsurance',
      'edge grossSalary → netSalary ($gross) crosses the label of edge grossSalary → netSalary ($gross)',
      'the label of edge grossSalary → netSalary ($gross) overlaps box socialInsurance',
    ]);
  });
});
