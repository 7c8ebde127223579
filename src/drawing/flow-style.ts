import type { TextStyle } from './measure-text.js';

/** Sizes and colours shared by the layout (which sizes boxes to their text) and the renderer. */
export const FONT_FAMILY = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

export const STEP_LABEL: TextStyle = { fontSize: 14, bold: true };
export const STEP_DETAIL: TextStyle = { fontSize: 11 };
export const EDGE_LABEL: TextStyle = { fontSize: 11 };
export const TITLE: TextStyle = { fontSize: 15, bold: true };
export const LEGEND: TextStyle = { fontSize: 11 };

export const STEP_BOX = {
  paddingX: 14,
  minWidth: 130,
  /** Text wider than this is cut with an ellipsis; the full text is the box's tooltip. */
  maxTextWidth: 220,
  height: 52,
  heightWithoutDetail: 36,
  /** Room for the status dot at the right when the flow describes a run. */
  statusRoom: 16,
};

export const EDGE_LABEL_BOX = { paddingX: 6, height: 18, maxTextWidth: 180 };

export const COLORS = {
  background: '#ffffff',
  frame: '#e2e8f0',
  text: '#1a202c',
  muted: '#4a5568',
  step: { fill: '#f0f5ff', stroke: '#8a9bbf' },
  conditionalStep: { fill: '#fffbea', stroke: '#c9a227' },
  critical: '#2b4c9b',
  edge: { data: '#4a5568', condition: '#a06a00', order: '#718096' },
  status: { ok: '#2f855a', error: '#c53030', skipped: '#a0aec0' },
  labelFill: '#ffffff',
};

export const EDGE_WIDTH = { normal: 1.5, critical: 2.75 };
export const EDGE_DASH = { data: undefined, condition: '7 4', order: '2 4' } as const;
