export type {
  FlowBox,
  FlowEdge,
  FlowEdgeKind,
  FlowEdgeLayout,
  FlowInput,
  FlowLayout,
  FlowPoint,
  FlowStep,
  FlowStepLayout,
  FlowStepStatus,
} from './flow.js';
export { layoutFlow, type LayoutEngine, type LayoutFlowOptions } from './layout-flow.js';
export { renderFlowSvg, criticalPathOf } from './render-flow-svg.js';
export { drawFlow } from './draw-flow.js';
export { textWidth, fitText, type TextStyle } from './measure-text.js';
