import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { RawStep } from './read-steps.js';

/**
 * One step as an operation of its own: its root field(s), the variables it uses and the
 * fragments it spreads. Each step runs as a sub-execution over the gateway schema, so a
 * step may be any root field: an upstream call, or another composite.
 */
export function stepDocument(
  compositeName: string,
  operation: OperationDefinitionNode,
  step: RawStep,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): DocumentNode {
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: operation.operation,
        name: { kind: Kind.NAME, value: `${compositeName}__${step.key}` },
        variableDefinitions: (operation.variableDefinitions ?? []).filter((d) => step.uses.has(d.variable.name.value)),
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: step.nodes },
      },
      ...[...step.fragments].map((name) => fragments.get(name)!),
    ],
  };
}
