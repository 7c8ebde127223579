import { describe, expect, it } from 'vitest';
import { layoutInThread } from '../../src/composite/explain/drawing-worker.js';
import { layoutFlow, type FlowInput } from '../../src/drawing/index.js';
import { layoutDefects } from './geometry.js';

/** A chain of `size` steps, each also fed by the step two before it: many layers, many long edges. */
function ladder(size: number): FlowInput {
  const steps = Array.from({ length: size }, (_, i) => ({ id: `s${i}`, label: `step${i}`, detail: `Query.f${i}`, conditional: false, critical: false }));
  const edges = steps.slice(1).flatMap((step, i) => [
    { from: `s${i}`, to: step.id, kind: 'data' as const, label: `$a${i}`, critical: false },
    ...(i > 0 ? [{ from: `s${i - 1}`, to: step.id, kind: 'data' as const, label: `$b${i}`, critical: false }] : []),
  ]);
  return { name: 'ladder', steps, edges };
}

describe('the drawing thread', () => {
  it('lays out as ELK does here, and the thread serving requests keeps running meanwhile', async () => {
    const flow = ladder(30);
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setTimeout(spin, 1);
    };
    spin();
    const layout = await layoutFlow(flow, { engine: layoutInThread });
    done = true;
    // ELK in this thread would run the whole layout in one turn of the event loop (no timer fires).
    expect(turns).toBeGreaterThan(20);
    expect(layoutDefects(layout)).toEqual([]);
    expect(layout).toEqual(await layoutFlow(flow));
  });

  it('reports what ELK refused, and draws the next plan', async () => {
    await expect(layoutInThread({ id: 'g', children: [{ id: 'a' }], edges: [{ id: 'e', sources: ['a'], targets: ['nowhere'] }] })).rejects.toThrow(
      /^drawing the plan failed: .*nowhere/,
    );
    const layout = await layoutFlow(ladder(3), { engine: layoutInThread });
    expect(layout.steps).toHaveLength(3);
  });
});
