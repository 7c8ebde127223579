import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { SchemaError, throwIfAny } from '../../errors/schema-error.js';
import type { PlanVariable } from '../plan.js';
import type { RawExport, RawStep } from './read-steps.js';

/** Steps with their dependencies worked out and checked. */
export interface LinkedSteps {
  readonly variables: PlanVariable[];
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  readonly after: ReadonlyMap<string, string | undefined>;
  readonly stages: string[][];
  readonly criticalPath: string[];
}

/**
 * Connects steps through their exports: a step depends on every step that exports a
 * variable it uses. Rejects what cannot run: an internal variable exported never or
 * twice, a step using its own export, a cycle, a type that cannot coerce, a mutation
 * using the export of a later mutation. Every error names the composite and variables;
 * all of them are reported together, so that one run shows everything to fix.
 */
export function linkSteps(
  name: string,
  steps: readonly RawStep[],
  definitions: readonly VariableDefinitionNode[],
  schema: GraphQLSchema,
  serial: boolean,
): LinkedSteps {
  const declared = new Map(definitions.map((d) => [d.variable.name.value, d]));
  const internal = new Set(
    definitions.filter((d) => d.directives?.some((x) => x.name.value === 'internal')).map((d) => d.variable.name.value),
  );

  const errors: SchemaError[] = [];
  const exporterOf = new Map<string, { step: RawStep; export: RawExport }>();
  for (const step of steps) {
    for (const exported of step.exports) {
      const variable = exported.variable;
      const definition = declared.get(variable);
      if (!definition) {
        errors.push(new SchemaError(`composite ${name}: step "${step.key}" exports $${variable}, which is not declared`, exported.node));
        continue;
      }
      if (!internal.has(variable)) {
        errors.push(
          new SchemaError(
            `composite ${name}: $${variable} is exported by step "${step.key}", so it must be declared @internal (callers cannot set it)`,
            definition,
          ),
        );
        continue;
      }
      const earlier = exporterOf.get(variable);
      if (earlier) {
        errors.push(
          new SchemaError(
            `composite ${name}: $${variable} is exported twice, by "${earlier.step.key}.${earlier.export.path.slice(1).join('.')}" and by "${step.key}.${exported.path.slice(1).join('.')}"`,
            exported.node,
          ),
        );
        continue;
      }
      const uncoercible = coercionError(name, step, exported, definition, schema);
      if (uncoercible) errors.push(uncoercible);
      exporterOf.set(variable, { step, export: exported });
    }
  }
  for (const variable of internal) {
    if (!exporterOf.has(variable)) {
      errors.push(
        new SchemaError(
          `composite ${name}: $${variable} is declared @internal but no step exports it; add @export(as: "${variable}") to a field`,
          declared.get(variable),
        ),
      );
    }
  }

  const dependsOn = new Map<string, string[]>();
  const after = new Map<string, string | undefined>();
  steps.forEach((step, index) => {
    const deps = new Set<string>();
    for (const variable of step.uses) {
      const exporter = exporterOf.get(variable);
      if (!exporter) continue;
      if (exporter.step === step) {
        errors.push(
          new SchemaError(
            `composite ${name}: step "${step.key}" uses $${variable}, which it exports itself; a step can only use what other steps export`,
            step.nodes[0],
          ),
        );
        continue;
      }
      if (serial && steps.indexOf(exporter.step) > index) {
        errors.push(
          new SchemaError(
            `composite ${name}: mutations run in document order, but "${step.key}" uses $${variable} from the later step "${exporter.step.key}"`,
            step.nodes[0],
          ),
        );
        continue;
      }
      deps.add(exporter.step.key);
    }
    dependsOn.set(step.key, [...deps]);
    after.set(step.key, serial && index > 0 ? steps[index - 1].key : undefined);
  });

  const cycle = findCycle(steps.map((s) => s.key), dependsOn);
  if (cycle) {
    const hops = cycle.slice(1).map((key, i) => {
      const variables = steps.find((s) => s.key === key)!.uses;
      const via = [...variables].filter((v) => exporterOf.get(v)?.step.key === cycle[i]);
      return `${key} (needs $${via.join(', $')})`;
    });
    errors.push(
      new SchemaError(
        `composite ${name}: its steps depend on each other in a cycle: ${cycle[0]} → ${hops.join(' → ')}`,
        steps.find((s) => s.key === cycle[0])!.nodes[0],
      ),
    );
  }
  throwIfAny(errors);

  const { stages, criticalPath } = layout(steps.map((s) => s.key), dependsOn, after);
  const variables: PlanVariable[] = definitions.map((definition) => {
    const variable = definition.variable.name.value;
    return {
      name: variable,
      type: printType(definition),
      internal: internal.has(variable),
      nonNull: definition.type.kind === 'NonNullType',
      exportedBy: exporterOf.get(variable)?.step.key,
    };
  });
  return { variables, dependsOn, after, stages, criticalPath };
}

/** Can the exported field's values be passed as this variable? Lists must meet lists. The error if not. */
function coercionError(
  name: string,
  step: RawStep,
  exported: RawExport,
  definition: VariableDefinitionNode,
  schema: GraphQLSchema,
): SchemaError | undefined {
  const variableType = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
  if (!variableType) return undefined; // graphql-js validation reports unknown types
  const target = getNullableType(variableType);
  const targetIsList = isListType(target);
  const sourceIsList = exported.list;
  const sourceName = exported.test ? 'Boolean' : getNamedType(exported.fieldType).name;
  const targetName = getNamedType(variableType).name;
  const describe = exported.test ? 'Boolean (the outcome of its test)' : `${exported.list ? `[${sourceName}]` : sourceName}`;
  const problem =
    sourceIsList && !targetIsList
      ? 'it is a list (it lies inside a list), the variable is not'
      : !namedCoercible(sourceName, targetName, exported.fieldType)
        ? `${sourceName} does not coerce to ${targetName}`
        : undefined;
  if (!problem) return undefined;
  return new SchemaError(
    `composite ${name}: "${step.key}.${exported.path.slice(1).join('.')}" exports ${describe} into $${exported.variable}: ${printType(definition)}; ${problem}`,
    exported.node,
  );
}

const COERCIONS: Record<string, readonly string[]> = {
  ID: ['ID', 'String', 'Int'],
  String: ['String', 'ID'],
  Float: ['Float', 'Int'],
};

function namedCoercible(source: string, target: string, fieldType: GraphQLOutputType): boolean {
  if (source === target || target === 'JSON') return true;
  if (COERCIONS[target]?.includes(source)) return true;
  // An enum is exported as its name, which a String variable accepts.
  return target === 'String' && isEnumType(getNamedType(fieldType));
}

function printType(definition: VariableDefinitionNode): string {
  const print = (type: VariableDefinitionNode['type']): string =>
    type.kind === 'NonNullType' ? `${print(type.type)}!` : type.kind === 'ListType' ? `[${print(type.type)}]` : type.name.value;
  return print(definition.type);
}

function findCycle(keys: readonly string[], dependsOn: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of dependsOn.get(key) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of keys) {
    const found = visit(key);
    // Reported in the direction data flows: exporter → user.
    if (found) return found.reverse();
  }
  return undefined;
}

/** Stages by depth, and the longest chain (the critical path) ending at the deepest step. */
function layout(
  keys: readonly string[],
  dependsOn: ReadonlyMap<string, readonly string[]>,
  after: ReadonlyMap<string, string | undefined>,
): { stages: string[][]; criticalPath: string[] } {
  const depth = new Map<string, number>();
  const previous = new Map<string, string | undefined>();
  const depthOf = (key: string): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    let best = -1;
    let via: string | undefined;
    for (const dep of [...(dependsOn.get(key) ?? []), ...(after.get(key) ? [after.get(key)!] : [])]) {
      const d = depthOf(dep);
      if (d > best) {
        best = d;
        via = dep;
      }
    }
    depth.set(key, best + 1);
    previous.set(key, via);
    return best + 1;
  };
  const stages: string[][] = [];
  for (const key of keys) (stages[depthOf(key)] ??= []).push(key);
  let end = keys[0];
  for (const key of keys) if (depthOf(key) > depthOf(end)) end = key;
  const criticalPath: string[] = [];
  for (let key: string | undefined = end; key; key = previous.get(key)) criticalPath.unshift(key);
  return { stages, criticalPath };
}

