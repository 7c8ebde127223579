import type { CompositePlan } from '../../composite/index.js';
import type { Graph } from '../../graph/index.js';

/**
 * Whether a published composite is served as a SOAP operation at /soap/<name>. Issue 13
 * serves every composite whose protocol is SOAP, "and any other that asks for it": until
 * a composite version records its protocol, every published composite is reachable, so
 * this is true for all. The one place to narrow it (to the recorded protocol, say).
 */
export function soapServed(_plan: CompositePlan, _graph: Graph): boolean {
  return true;
}
