import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { FlowBox, FlowEdgeLayout, FlowInput, FlowLayout, FlowPoint, FlowStep } from './flow.js';
import { fitText, textWidth } from './measure-text.js';
import { EDGE_LABEL, EDGE_LABEL_BOX, STEP_BOX, STEP_DETAIL, STEP_LABEL } from './flow-style.js';

/**
 * ELK's layered (Sugiyama) layout, left to right, with orthogonal edges. Edge labels are
 * laid out by ELK as nodes of their own between layers, so no edge crosses a label and no
 * label sits on a box; edges are routed in the channels between layers, never under a box.
 */
const PADDING = 20;

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': `[top=${PADDING},left=${PADDING},bottom=${PADDING},right=${PADDING}]`,
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.labelNode': '8',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
  'elk.edgeLabels.inline': 'false',
  'elk.layered.mergeEdges': 'false',
};

/** Runs ELK's layout of a graph: elkjs itself, or elkjs in another thread. */
export type LayoutEngine = (graph: ElkNode) => Promise<ElkNode>;

export interface LayoutFlowOptions {
  /**
   * By default elkjs runs here, loaded on the first drawing (it is about 1.4 MB minified;
   * a bundler splits it into its own chunk). Node passes one that runs in a worker thread,
   * so a large layout never holds up the requests a gateway serves.
   */
  readonly engine?: LayoutEngine;
}

let elk: Promise<ELK> | undefined;

const elkHere: LayoutEngine = async (graph) => {
  elk ??= import('elkjs/lib/elk.bundled.js').then((module) => {
    const ElkConstructor = (module as unknown as { default: new () => ELK }).default;
    return new ElkConstructor();
  });
  elk.catch(() => (elk = undefined));
  return (await elk).layout(graph);
};

/** Places every step and routes every edge of `input` (edges keep their input order). */
export async function layoutFlow(input: FlowInput, options: LayoutFlowOptions = {}): Promise<FlowLayout> {
  checkFlow(input);
  // ELK ids of their own, so no step name (`flow`, `e0`) can collide with the graph's or an edge's.
  const nodeId = (step: string) => `step:${step}`;
  const graph: ElkNode = {
    id: 'flow',
    layoutOptions: LAYOUT_OPTIONS,
    children: input.steps.map((step) => ({ id: nodeId(step.id), ...stepSize(step) })),
    edges: input.edges.map(
      (edge, index): ElkExtendedEdge => ({
        id: `edge:${index}`,
        sources: [nodeId(edge.from)],
        targets: [nodeId(edge.to)],
        labels: edge.label
          ? [{ text: edge.label, ...edgeLabelSize(edge.label), layoutOptions: { 'elk.edgeLabels.placement': 'CENTER' } }]
          : [],
      }),
    ),
  };
  const laid = await (options.engine ?? elkHere)(graph);
  const byId = new Map((laid.edges ?? []).map((edge) => [edge.id, edge]));
  const placed = {
    steps: (laid.children ?? []).map((node) => ({
      id: node.id.slice('step:'.length),
      x: round(node.x ?? 0),
      y: round(node.y ?? 0),
      width: round(node.width ?? 0),
      height: round(node.height ?? 0),
    })),
    edges: input.edges.map((edge, index): FlowEdgeLayout => {
      const routed = byId.get(`edge:${index}`)!;
      const points: FlowPoint[] = [];
      for (const section of routed.sections ?? []) {
        for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) {
          const last = points[points.length - 1];
          if (!last || last.x !== round(point.x) || last.y !== round(point.y)) points.push({ x: round(point.x), y: round(point.y) });
        }
      }
      const label = routed.labels?.[0];
      const labelBox: FlowBox | undefined =
        label && label.x !== undefined && label.y !== undefined
          ? { x: round(label.x), y: round(label.y), width: round(label.width ?? 0), height: round(label.height ?? 0) }
          : undefined;
      return { from: edge.from, to: edge.to, kind: edge.kind, label: edge.label, critical: edge.critical, points, ...(labelBox ? { labelBox } : {}) };
    }),
  };
  return { ...extentOf(placed), ...placed };
}

/**
 * The size of what was drawn plus the padding: ELK's own graph size keeps room for label
 * placements it did not use, which left an empty band below the drawing.
 */
function extentOf(placed: Pick<FlowLayout, 'steps' | 'edges'>): { width: number; height: number } {
  let [right, bottom] = [0, 0];
  const reach = (x: number, y: number) => ([right, bottom] = [Math.max(right, x), Math.max(bottom, y)]);
  for (const box of placed.steps) reach(box.x + box.width, box.y + box.height);
  for (const edge of placed.edges) {
    for (const point of edge.points) reach(point.x, point.y);
    if (edge.labelBox) reach(edge.labelBox.x + edge.labelBox.width, edge.labelBox.y + edge.labelBox.height);
  }
  return { width: Math.ceil(right + PADDING), height: Math.ceil(bottom + PADDING) };
}

/** A box wide enough for its (possibly cut) label and detail. */
export function stepSize(step: FlowStep): { width: number; height: number } {
  const label = textWidth(fitText(step.label, STEP_LABEL, STEP_BOX.maxTextWidth), STEP_LABEL);
  const detail = step.detail ? textWidth(fitText(step.detail, STEP_DETAIL, STEP_BOX.maxTextWidth), STEP_DETAIL) : 0;
  const status = step.status ? STEP_BOX.statusRoom : 0;
  return {
    width: Math.ceil(Math.max(STEP_BOX.minWidth, Math.max(label + status, detail) + 2 * STEP_BOX.paddingX)),
    height: step.detail ? STEP_BOX.height : STEP_BOX.heightWithoutDetail,
  };
}

export function edgeLabelSize(label: string): { width: number; height: number } {
  const text = textWidth(fitText(label, EDGE_LABEL, EDGE_LABEL_BOX.maxTextWidth), EDGE_LABEL);
  return { width: Math.ceil(text + 2 * EDGE_LABEL_BOX.paddingX), height: EDGE_LABEL_BOX.height };
}

/** A flow must name its steps once and draw edges between them only. */
function checkFlow(input: FlowInput): void {
  const ids = new Set<string>();
  for (const step of input.steps) {
    if (typeof step.id !== 'string' || step.id === '') throw new Error(`flow "${input.name}": a step has no id (expected a non-empty string)`);
    if (ids.has(step.id)) throw new Error(`flow "${input.name}": step id "${step.id}" appears twice; each step needs its own id`);
    ids.add(step.id);
  }
  input.edges.forEach((edge, index) => {
    for (const end of [edge.from, edge.to]) {
      if (!ids.has(end)) {
        throw new Error(
          `flow "${input.name}": edge ${index + 1} (${edge.from} → ${edge.to}) names step "${end}", which is not among the steps (${[...ids].join(', ') || 'none'})`,
        );
      }
    }
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
