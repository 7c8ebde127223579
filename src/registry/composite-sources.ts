import { Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { Graph } from '../graph/index.js';

/**
 * The sources a composite calls, by name, sorted: those of its steps' root fields, of the
 * `@join` fields it selects, and of the composites it uses in turn. This is what an
 * export refers to and what another registry must have before it can import it.
 */
export function sourcesOfComposite(graph: Graph, name: string): string[] {
  const found = new Set<string>();
  const visited = new Set<string>();
  const fromRoot = (coordinate: string) => {
    const operation = graph.operations.get(coordinate);
    if (operation) found.add(operation.source.name);
    else walk(coordinate.slice(coordinate.indexOf('.') + 1));
  };
  const walk = (composite: string) => {
    const plan = graph.plans.get(composite);
    if (!plan || visited.has(composite)) return;
    visited.add(composite);
    for (const step of plan.steps) {
      fromRoot(step.field);
      const typeInfo = new TypeInfo(graph.schema);
      visit(
        step.document,
        visitWithTypeInfo(typeInfo, {
          Field() {
            const join = typeInfo.getFieldDef()?.astNode?.directives?.find((d) => d.name.value === 'join');
            const query = join?.arguments?.find((a) => a.name.value === 'query')?.value;
            const root = query?.kind === Kind.STRING ? /^\s*([_A-Za-z]\w*)/.exec(query.value)?.[1] : undefined;
            if (root) fromRoot(`Query.${root}`);
          },
        }),
      );
    }
  };
  walk(name);
  return [...found].sort();
}
