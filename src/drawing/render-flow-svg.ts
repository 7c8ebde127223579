import type { FlowBox, FlowEdgeKind, FlowInput, FlowLayout, FlowPoint, FlowStep, FlowStepStatus } from './flow.js';
import { fitText, textWidth } from './measure-text.js';
import {
  COLORS,
  EDGE_DASH,
  EDGE_LABEL,
  EDGE_LABEL_BOX,
  EDGE_WIDTH,
  FONT_FAMILY,
  LEGEND,
  STEP_BOX,
  STEP_DETAIL,
  STEP_LABEL,
  TITLE,
} from './flow-style.js';

const MARGIN = 20;
/** Title line and legend line above the laid-out graph (which keeps its own padding). */
const HEADER_HEIGHT = 44;
const ARROW = { length: 9, halfWidth: 4.5 };
const CORNER_RADIUS = 6;
const STATUS_TEXT = { ok: 'ran', error: 'failed', skipped: 'skipped' } as const;

/**
 * A standalone SVG document of a laid-out flow: white background, every style inline (no
 * <style>, no ids), so it is a picture on its own, safe to inline in any page (light or
 * dark) any number of times, and rendered alike by browsers and resvg.
 */
export function renderFlowSvg(layout: FlowLayout, input: FlowInput): string {
  const stepsById = new Map(input.steps.map((step) => [step.id, step]));
  const title = input.title ?? `Plan of ${input.name}`;
  const legend = legendItems(input);
  const legendWidth = legend.reduce((sum, item) => sum + item.width, 0);
  const width = Math.ceil(Math.max(layout.width, 2 * MARGIN + textWidth(title, TITLE), 2 * MARGIN + legendWidth));
  const height = Math.ceil(layout.height + HEADER_HEIGHT);
  const criticalPath = criticalPathOf(input);
  const description = [
    `${title}: ${count(input.steps.length, 'step')} and ${count(input.edges.length, 'arrow')}`,
    criticalPath.length > 1 ? `critical path ${criticalPath.join(' → ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(description)}" font-family="${escape(FONT_FAMILY)}" class="flow" data-flow="${escape(input.name)}">`,
    `<title>${escape(description)}</title>`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="6" fill="${COLORS.background}" stroke="${COLORS.frame}"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 12}" font-size="${TITLE.fontSize}" font-weight="bold" fill="${COLORS.text}">${escape(title)}</text>`,
    renderLegend(legend, MARGIN, MARGIN + 32),
    `<g transform="translate(0 ${HEADER_HEIGHT})">`,
  ];
  layout.edges.forEach((edge) => parts.push(renderEdge(edge)));
  for (const box of layout.steps) parts.push(renderStep(box, stepsById.get(box.id)!));
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}

function renderStep(box: FlowBox, step: FlowStep): string {
  const look = step.conditional ? COLORS.conditionalStep : COLORS.step;
  const stroke = step.status === 'error' ? COLORS.status.error : step.critical ? COLORS.critical : look.stroke;
  const strokeWidth = step.critical || step.status === 'error' ? 2.5 : 1.25;
  const dash = step.conditional ? ' stroke-dasharray="6 3"' : '';
  const textRoom = STEP_BOX.maxTextWidth;
  const label = fitText(step.label, STEP_LABEL, textRoom);
  const detail = step.detail ? fitText(step.detail, STEP_DETAIL, textRoom) : undefined;
  const x = box.x + STEP_BOX.paddingX;
  const labelY = detail ? box.y + 22 : box.y + box.height / 2 + 5;
  const tooltip = [
    step.label,
    step.detail,
    step.conditional ? 'runs only if its condition holds' : '',
    step.critical ? 'on the critical path' : '',
    step.status ? STATUS_TEXT[step.status] : '',
  ]
    .filter(Boolean)
    .join(' — ');
  const attributes = [
    `class="flow-step"`,
    `data-step="${escape(step.id)}"`,
    `data-critical="${step.critical}"`,
    `data-conditional="${step.conditional}"`,
    step.status ? `data-status="${step.status}"` : '',
    step.status === 'skipped' ? 'opacity="0.6"' : '',
  ].filter(Boolean);
  return [
    `<g ${attributes.join(' ')}>`,
    `<title>${escape(tooltip)}</title>`,
    `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="8" fill="${look.fill}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`,
    `<text x="${x}" y="${labelY}" font-size="${STEP_LABEL.fontSize}" font-weight="bold" fill="${COLORS.text}">${escape(label)}</text>`,
    detail ? `<text x="${x}" y="${box.y + 40}" font-size="${STEP_DETAIL.fontSize}" fill="${COLORS.muted}">${escape(detail)}</text>` : '',
    step.status
      ? `<circle cx="${box.x + box.width - 12}" cy="${box.y + 12}" r="5" fill="${COLORS.status[step.status]}"><title>${STATUS_TEXT[step.status]}</title></circle>`
      : '',
    '</g>',
  ].join('');
}

function renderEdge(edge: FlowLayout['edges'][number]): string {
  const color = edge.critical ? COLORS.critical : COLORS.edge[edge.kind];
  const width = edge.critical ? EDGE_WIDTH.critical : EDGE_WIDTH.normal;
  const dash = EDGE_DASH[edge.kind];
  const parts = [
    `<g class="flow-edge" data-from="${escape(edge.from)}" data-to="${escape(edge.to)}" data-kind="${edge.kind}" data-critical="${edge.critical}">`,
    `<title>${escape(`${edge.from} → ${edge.to}${edge.label ? `: ${edge.label}` : ''}`)}</title>`,
  ];
  if (edge.points.length >= 2) {
    const { line, head } = arrow(edge.points);
    parts.push(
      `<path d="${line}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''} stroke-linejoin="round"/>`,
      `<path d="${head}" fill="${color}"/>`,
    );
  }
  if (edge.labelBox && edge.label) {
    const box = edge.labelBox;
    const text = fitText(edge.label, EDGE_LABEL, EDGE_LABEL_BOX.maxTextWidth);
    parts.push(
      `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="4" fill="${COLORS.labelFill}" stroke="${color}" stroke-width="0.75" stroke-opacity="0.5"/>`,
      `<text class="flow-edge-label" x="${box.x + box.width / 2}" y="${box.y + box.height / 2 + 4}" text-anchor="middle" font-size="${EDGE_LABEL.fontSize}" fill="${edge.kind === 'data' ? COLORS.text : color}">${escape(text)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

/** The edge as a polyline with rounded corners, stopping where its arrowhead begins. */
function arrow(points: readonly FlowPoint[]): { line: string; head: string } {
  const end = points[points.length - 1];
  const before = points[points.length - 2];
  const length = Math.hypot(end.x - before.x, end.y - before.y) || 1;
  const [dx, dy] = [(end.x - before.x) / length, (end.y - before.y) / length];
  const cut = Math.min(ARROW.length, length);
  const base = { x: end.x - dx * cut, y: end.y - dy * cut };
  const path = [...points.slice(0, -1), base];
  let line = `M${path[0].x},${path[0].y}`;
  for (let i = 1; i < path.length - 1; i++) {
    const [a, corner, b] = [path[i - 1], path[i], path[i + 1]];
    const radius = Math.min(CORNER_RADIUS, distance(a, corner) / 2, distance(corner, b) / 2);
    const into = towards(corner, a, radius);
    const out = towards(corner, b, radius);
    line += ` L${into.x},${into.y} Q${corner.x},${corner.y} ${out.x},${out.y}`;
  }
  line += ` L${base.x},${base.y}`;
  const [nx, ny] = [-dy * ARROW.halfWidth, dx * ARROW.halfWidth];
  const head = `M${end.x},${end.y} L${r(base.x + nx)},${r(base.y + ny)} L${r(base.x - nx)},${r(base.y - ny)} Z`;
  return { line, head };
}

type LegendKind = FlowEdgeKind | 'critical' | 'conditional' | FlowStepStatus;

interface LegendItem {
  readonly label: string;
  readonly kind: LegendKind;
  readonly width: number;
}

const LEGEND_SWATCH = 26;

/** A key to the styles the drawing uses (only those). */
function legendItems(input: FlowInput): LegendItem[] {
  const kinds = new Set(input.edges.map((edge) => edge.kind));
  const statuses = new Set(input.steps.map((step) => step.status));
  const items: { label: string; kind: LegendKind }[] = [];
  if (kinds.has('data')) items.push({ label: 'data', kind: 'data' });
  if (kinds.has('condition')) items.push({ label: 'condition', kind: 'condition' });
  if (kinds.has('order')) items.push({ label: 'runs after', kind: 'order' });
  if (input.steps.some((step) => step.critical)) items.push({ label: 'critical path', kind: 'critical' });
  if (input.steps.some((step) => step.conditional)) items.push({ label: 'runs if its condition holds', kind: 'conditional' });
  for (const status of ['ok', 'error', 'skipped'] as const) if (statuses.has(status)) items.push({ label: STATUS_TEXT[status], kind: status });
  return items.map((item) => ({ ...item, width: swatchWidth(item.kind) + 6 + textWidth(item.label, LEGEND) + 18 }));
}

function swatchWidth(kind: LegendKind): number {
  return kind === 'ok' || kind === 'error' || kind === 'skipped' ? 10 : LEGEND_SWATCH;
}

function renderLegend(items: readonly LegendItem[], x: number, y: number): string {
  const parts = ['<g class="flow-legend">'];
  let at = x;
  for (const item of items) {
    parts.push(swatch(item.kind, at, y - 4));
    parts.push(`<text x="${at + swatchWidth(item.kind) + 6}" y="${y}" font-size="${LEGEND.fontSize}" fill="${COLORS.muted}">${escape(item.label)}</text>`);
    at += item.width;
  }
  parts.push('</g>');
  return parts.join('');
}

/** The legend's sample of a style, its vertical middle at `y`. */
function swatch(kind: LegendKind, x: number, y: number): string {
  switch (kind) {
    case 'ok':
    case 'error':
    case 'skipped':
      return `<circle cx="${x + 5}" cy="${y}" r="5" fill="${COLORS.status[kind]}"/>`;
    case 'conditional':
      return `<rect x="${x}" y="${y - 6}" width="${LEGEND_SWATCH}" height="12" rx="3" fill="${COLORS.conditionalStep.fill}" stroke="${COLORS.conditionalStep.stroke}" stroke-dasharray="4 2"/>`;
    case 'critical':
      return `<line x1="${x}" y1="${y}" x2="${x + LEGEND_SWATCH}" y2="${y}" stroke="${COLORS.critical}" stroke-width="${EDGE_WIDTH.critical}"/>`;
    default: {
      const dash = EDGE_DASH[kind];
      return `<line x1="${x}" y1="${y}" x2="${x + LEGEND_SWATCH}" y2="${y}" stroke="${COLORS.edge[kind]}" stroke-width="${EDGE_WIDTH.normal}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
    }
  }
}

/** The critical steps in order, following critical edges from the one no critical edge enters. */
export function criticalPathOf(input: FlowInput): string[] {
  const critical = input.edges.filter((edge) => edge.critical);
  const entered = new Set(critical.map((edge) => edge.to));
  const first = input.steps.find((step) => step.critical && !entered.has(step.id));
  const path: string[] = [];
  for (let at = first?.id; at !== undefined && !path.includes(at); at = critical.find((edge) => edge.from === at)?.to) path.push(at);
  return path;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function distance(a: FlowPoint, b: FlowPoint): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function towards(from: FlowPoint, to: FlowPoint, by: number): FlowPoint {
  const length = distance(from, to) || 1;
  return { x: r(from.x + ((to.x - from.x) / length) * by), y: r(from.y + ((to.y - from.y) / length) * by) };
}

function r(value: number): number {
  return Math.round(value * 100) / 100;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
