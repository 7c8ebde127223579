/**
 * What a flow drawing shows, and where everything goes. Plain JSON both ways, so a
 * browser can lay out and draw a plan it received over the network.
 */

export type FlowEdgeKind = 'data' | 'condition' | 'order';

export type FlowStepStatus = 'ok' | 'error' | 'skipped';

export interface FlowStep {
  /** Unique in the flow (a composite's step key). */
  readonly id: string;
  /** The name shown in bold. */
  readonly label: string;
  /** A second, smaller line, e.g. `Query.user`. */
  readonly detail?: string;
  /** The step runs only if a condition holds (`@include`/`@skip`). */
  readonly conditional: boolean;
  /** On the critical path (the longest chain of dependent steps). */
  readonly critical: boolean;
  /** How the step ended, when the flow describes a run. */
  readonly status?: FlowStepStatus;
}

export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** data: solid; condition: dashed; order (mutations one after another): dotted. */
  readonly kind: FlowEdgeKind;
  /** `$userId`, `if $verified`, `then`. */
  readonly label: string;
  readonly critical: boolean;
}

export interface FlowInput {
  /** The composite's name. */
  readonly name: string;
  /** Shown above the drawing; `Plan of <name>` when absent. */
  readonly title?: string;
  readonly steps: readonly FlowStep[];
  readonly edges: readonly FlowEdge[];
}

export interface FlowPoint {
  readonly x: number;
  readonly y: number;
}

export interface FlowBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FlowStepLayout extends FlowBox {
  readonly id: string;
}

export interface FlowEdgeLayout {
  readonly from: string;
  readonly to: string;
  readonly kind: FlowEdgeKind;
  readonly label: string;
  readonly critical: boolean;
  /** From the border of the `from` box to the border of the `to` box: orthogonal segments. */
  readonly points: readonly FlowPoint[];
  /** Where the label goes; no edge crosses it and it overlaps no box. */
  readonly labelBox?: FlowBox;
}

/** The positions of a flow: top-left origin, in SVG user units (px). Edges in input order. */
export interface FlowLayout {
  readonly width: number;
  readonly height: number;
  readonly steps: readonly FlowStepLayout[];
  readonly edges: readonly FlowEdgeLayout[];
}
