import type { CompositePlan } from '../composite/index.js';
import type { Operation } from '../sources/index.js';

/** The protocol a composite is served in besides GraphQL: that of most of its steps. */
export type CompositeProtocol = 'REST' | 'SOAP';

export const COMPOSITE_PROTOCOLS: readonly CompositeProtocol[] = ['REST', 'SOAP'];

/** How many of the steps speak each protocol; a step that is a composite counts as its protocol. */
export function protocolCounts(
  steps: readonly { readonly field: string }[],
  operations: ReadonlyMap<string, Operation>,
  compositeProtocol: (name: string) => CompositeProtocol | undefined,
): Record<CompositeProtocol, number> {
  const counts: Record<CompositeProtocol, number> = { REST: 0, SOAP: 0 };
  for (const step of steps) {
    const kind = operations.get(step.field)?.source.kind ?? compositeProtocol(step.field.slice(step.field.indexOf('.') + 1));
    if (kind === 'REST' || kind === 'SOAP') counts[kind]++;
  }
  return counts;
}

/** The majority; a tie goes to REST. */
export function majorityOf(counts: Record<CompositeProtocol, number>): CompositeProtocol {
  return counts.SOAP > counts.REST ? 'SOAP' : 'REST';
}

/**
 * Every composite's protocol: the one recorded with its version (`overrides`, from a
 * request's `protocol:`), else the one most of its steps' sources speak (a tie goes to
 * REST). A composite used as a step counts as its own protocol.
 */
export function majorityProtocols(
  plans: ReadonlyMap<string, CompositePlan>,
  operations: ReadonlyMap<string, Operation>,
  overrides: ReadonlyMap<string, CompositeProtocol>,
): Map<string, CompositeProtocol> {
  const protocols = new Map<string, CompositeProtocol>();
  const visiting = new Set<string>();
  const protocolOf = (name: string): CompositeProtocol | undefined => {
    const known = protocols.get(name) ?? overrides.get(name);
    if (known) return known;
    const plan = plans.get(name);
    if (!plan || visiting.has(name)) return undefined;
    visiting.add(name);
    const protocol = majorityOf(protocolCounts(plan.steps, operations, protocolOf));
    protocols.set(name, protocol);
    return protocol;
  };
  for (const name of plans.keys()) protocols.set(name, protocolOf(name)!);
  return protocols;
}
