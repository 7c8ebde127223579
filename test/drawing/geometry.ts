import type { FlowBox, FlowLayout, FlowPoint } from '../../src/drawing/index.js';

/** Geometric checks of a flow layout: what a reader of the picture needs to be true. */

/** `box` shrunk by `by` on every side (so touching a border is not entering). */
function inset(box: FlowBox, by: number): FlowBox {
  return { x: box.x + by, y: box.y + by, width: box.width - 2 * by, height: box.height - 2 * by };
}

/** Whether the segment a→b passes through the inside of `box` (Liang–Barsky clipping). */
export function segmentEntersBox(a: FlowPoint, b: FlowPoint, box: FlowBox, tolerance = 0.5): boolean {
  const inner = inset(box, tolerance);
  if (inner.width <= 0 || inner.height <= 0) return false;
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const checks: [number, number][] = [
    [-dx, a.x - inner.x],
    [dx, inner.x + inner.width - a.x],
    [-dy, a.y - inner.y],
    [dy, inner.y + inner.height - a.y],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 >= t1) return false;
  }
  return true;
}

export function boxesOverlap(a: FlowBox, b: FlowBox, tolerance = 0.5): boolean {
  const [p, q] = [inset(a, tolerance), inset(b, tolerance)];
  return p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height;
}

export function segmentsOf(points: readonly FlowPoint[]): [FlowPoint, FlowPoint][] {
  return points.slice(1).map((point, i) => [points[i], point]);
}

/** Every defect of `layout`, described; an empty list is a clean drawing. */
export function layoutDefects(layout: FlowLayout): string[] {
  const defects: string[] = [];
  const name = (edge: FlowLayout['edges'][number]) => `edge ${edge.from} → ${edge.to} (${edge.label})`;
  layout.steps.forEach((a, i) =>
    layout.steps.slice(i + 1).forEach((b) => boxesOverlap(a, b) && defects.push(`boxes ${a.id} and ${b.id} overlap`)),
  );
  for (const edge of layout.edges) {
    if (edge.points.length < 2) defects.push(`${name(edge)} has no route`);
    const from = layout.steps.find((s) => s.id === edge.from)!;
    const to = layout.steps.find((s) => s.id === edge.to)!;
    const [start, end] = [edge.points[0], edge.points[edge.points.length - 1]];
    if (!onBorder(start, from)) defects.push(`${name(edge)} does not start on the border of ${edge.from}`);
    if (!onBorder(end, to)) defects.push(`${name(edge)} does not end on the border of ${edge.to}`);
    for (const [a, b] of segmentsOf(edge.points)) {
      for (const step of layout.steps) {
        if (segmentEntersBox(a, b, step)) defects.push(`${name(edge)} passes under box ${step.id}`);
      }
      for (const other of layout.edges) {
        if (other.labelBox && segmentEntersBox(a, b, other.labelBox)) defects.push(`${name(edge)} crosses the label of ${name(other)}`);
      }
    }
    if (edge.label && !edge.labelBox) defects.push(`${name(edge)} has no label box`);
    if (edge.labelBox) {
      for (const step of layout.steps) {
        if (boxesOverlap(edge.labelBox, step)) defects.push(`the label of ${name(edge)} overlaps box ${step.id}`);
      }
      for (const other of layout.edges) {
        if (other !== edge && other.labelBox && boxesOverlap(edge.labelBox, other.labelBox)) {
          defects.push(`the labels of ${name(edge)} and ${name(other)} overlap`);
        }
      }
      const inside = (box: FlowBox) => box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height;
      if (!inside(edge.labelBox)) defects.push(`the label of ${name(edge)} lies outside the drawing`);
    }
  }
  for (const step of layout.steps) {
    if (step.x < 0 || step.y < 0 || step.x + step.width > layout.width || step.y + step.height > layout.height) {
      defects.push(`box ${step.id} lies outside the drawing`);
    }
  }
  return [...new Set(defects)];
}

function onBorder(point: FlowPoint, box: FlowBox, tolerance = 1): boolean {
  const withinX = point.x >= box.x - tolerance && point.x <= box.x + box.width + tolerance;
  const withinY = point.y >= box.y - tolerance && point.y <= box.y + box.height + tolerance;
  const nearVertical = Math.abs(point.x - box.x) <= tolerance || Math.abs(point.x - box.x - box.width) <= tolerance;
  const nearHorizontal = Math.abs(point.y - box.y) <= tolerance || Math.abs(point.y - box.y - box.height) <= tolerance;
  return withinX && withinY && (nearVertical || nearHorizontal);
}
