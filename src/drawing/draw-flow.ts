import type { FlowInput } from './flow.js';
import { layoutFlow } from './layout-flow.js';
import { renderFlowSvg } from './render-flow-svg.js';

/** Lays out `input` with ELK and returns the standalone SVG document. */
export async function drawFlow(input: FlowInput): Promise<string> {
  return renderFlowSvg(await layoutFlow(input), input);
}
