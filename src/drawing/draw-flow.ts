import type { FlowInput } from './flow.js';
import { layoutFlow, type LayoutFlowOptions } from './layout-flow.js';
import { renderFlowSvg } from './render-flow-svg.js';

/** Lays out `input` with ELK and returns the standalone SVG document. */
export async function drawFlow(input: FlowInput, options: LayoutFlowOptions = {}): Promise<string> {
  return renderFlowSvg(await layoutFlow(input, options), input);
}
