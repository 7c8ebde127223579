import type { CompositePlan } from '../plan.js';
import { planEdges } from './plan-edges.js';

const BOX = { width: 190, height: 50 };
const GAP = { x: 110, y: 26 };
const MARGIN = 24;

/**
 * A picture of the plan as SVG, with no renderer to install: one column per stage, a box
 * per step, arrows for data (solid), conditions (dashed) and mutation order (dotted), the
 * critical path drawn heavier. Browsers show it as is; the admin API serves it.
 */
export function planToSvg(plan: CompositePlan): string {
  const position = new Map<string, { x: number; y: number }>();
  plan.stages.forEach((stage, column) =>
    stage.forEach((key, row) => position.set(key, { x: MARGIN + column * (BOX.width + GAP.x), y: MARGIN + 30 + row * (BOX.height + GAP.y) })),
  );
  const title = `${plan.name} (${plan.operation}) — critical path: ${plan.criticalPath.join(' → ')}`;
  // Wide enough for the title too (about 8.5 px per character at 15 px bold).
  const width = Math.max(
    MARGIN * 2 + plan.stages.length * BOX.width + (plan.stages.length - 1) * GAP.x,
    MARGIN * 2 + Math.ceil(title.length * 8.5),
  );
  const height = MARGIN * 2 + 30 + Math.max(...plan.stages.map((s) => s.length)) * (BOX.height + GAP.y) - GAP.y;
  const critical = new Set(plan.criticalPath);
  const onCriticalPath = (from: string, to: string) =>
    critical.has(from) && critical.has(to) && plan.criticalPath.indexOf(to) === plan.criticalPath.indexOf(from) + 1;

  const edges = planEdges(plan).map((edge) => {
    const a = position.get(edge.from)!;
    const b = position.get(edge.to)!;
    const [x1, y1, x2, y2] = [a.x + BOX.width, a.y + BOX.height / 2, b.x, b.y + BOX.height / 2];
    const bend = Math.max(40, (x2 - x1) / 2);
    const dash = edge.kind === 'condition' ? ' stroke-dasharray="6 4"' : edge.kind === 'order' ? ' stroke-dasharray="2 4"' : '';
    const weight = onCriticalPath(edge.from, edge.to) ? 2.5 : 1.4;
    return [
      `<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" fill="none" stroke="#4a5568" stroke-width="${weight}"${dash} marker-end="url(#arrow)"/>`,
      `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle" class="label">${escape(edge.label)}</text>`,
    ].join('');
  });
  const boxes = plan.steps.map((step) => {
    const { x, y } = position.get(step.key)!;
    const conditional = step.conditions.length > 0;
    return [
      `<g><rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="10" fill="${conditional ? '#fffbea' : '#f0f5ff'}"`,
      ` stroke="${critical.has(step.key) ? '#2b4c9b' : '#8a9bbf'}" stroke-width="${critical.has(step.key) ? 2.5 : 1.2}"/>`,
      `<text x="${x + 12}" y="${y + 21}" class="key">${escape(step.key)}</text>`,
      `<text x="${x + 12}" y="${y + 39}" class="field">${escape(step.field)}</text></g>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escape(`Plan of ${plan.name}`)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker>',
    '<style>.key{font-size:14px;font-weight:bold;fill:#1a202c}.field{font-size:11px;fill:#4a5568}.label{font-size:11px;fill:#2d3748}.title{font-size:15px;font-weight:bold;fill:#1a202c}</style></defs>',
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 8}" class="title">${escape(title)}</text>`,
    ...edges,
    ...boxes,
    '</svg>',
  ].join('\n');
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
