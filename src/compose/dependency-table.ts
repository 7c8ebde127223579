import { SchemaErrors } from '../errors/schema-error.js';
import { ComposeError } from './compose-error.js';
import type { ComposeRequest, RequestDependency } from './request-document.js';

/** The request's table, checked: every step it names exists and nothing waits for itself. */
export interface DependencyTable {
  /** Steps so that each comes after those it depends on; otherwise in document order. */
  readonly order: readonly string[];
  /** The steps each step depends on (rows of the table and steps its args name), in order. */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  /** The conditions on each step (`when`/`unless` rows). */
  readonly conditions: ReadonlyMap<string, readonly RequestDependency[]>;
}

/**
 * Checks the table: an unknown step in a row, a step depending on itself, a cycle (printed
 * as `a → b → a`) are errors at the row's line and column. A step an argument names
 * (`args: { id: order.userId }`) is a dependency even without a row.
 */
export function readDependencyTable(request: ComposeRequest): DependencyTable {
  const keys = request.steps.map((s) => s.key);
  const known = new Set(keys);
  const errors: ComposeError[] = [];
  const edges = new Map<string, { on: string; row: RequestDependency | undefined }[]>(keys.map((k) => [k, []]));
  const conditions = new Map<string, RequestDependency[]>(keys.map((k) => [k, []]));

  for (const row of request.dependencies) {
    let bad = false;
    for (const [name, where] of [[row.step, row.stepAt], [row.on, row.onAt]] as const) {
      if (!known.has(name)) {
        errors.push(new ComposeError('UNKNOWN_STEP', `the table names a step "${name}" that the request does not have; steps: ${keys.join(', ')}`, where));
        bad = true;
      }
    }
    if (bad) continue;
    if (row.step === row.on) {
      errors.push(new ComposeError('CYCLE', `step ${row.step} depends on itself`, row.onAt));
      continue;
    }
    if (!edges.get(row.step)!.some((e) => e.on === row.on)) edges.get(row.step)!.push({ on: row.on, row });
    if (row.condition) conditions.get(row.step)!.push(row);
  }
  for (const step of request.steps) {
    for (const arg of step.args) {
      const named = typeof arg.value === 'string' ? /^([_A-Za-z]\w*)/.exec(arg.value)?.[1] : undefined;
      if (named && named !== step.key && known.has(named) && !edges.get(step.key)!.some((e) => e.on === named)) {
        edges.get(step.key)!.push({ on: named, row: undefined });
      }
    }
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);

  // Depth-first, in document order: a step is placed once all it depends on are.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (key: string, via: RequestDependency | undefined) => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(key)), key];
      // Printed in the order things run: each step after the one it depends on.
      throw new ComposeError('CYCLE', `the table has a cycle: ${cycle.reverse().join(' → ')}; a step cannot wait for itself`, via?.onAt ?? request.compositeAt);
    }
    state.set(key, 'visiting');
    trail.push(key);
    for (const edge of edges.get(key)!) visit(edge.on, edge.row);
    trail.pop();
    state.set(key, 'done');
    order.push(key);
  };
  for (const key of keys) visit(key, undefined);
  return {
    order,
    dependsOn: new Map([...edges].map(([k, list]) => [k, list.map((e) => e.on)])),
    conditions,
  };
}
