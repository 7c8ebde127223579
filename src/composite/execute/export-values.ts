import type { ExportTest, PlanExport } from '../plan.js';

/**
 * The value a step exports: read along the export's path in the step's data; a list on
 * the way gathers every value into one flat list. With a test, the Boolean outcome.
 */
export function exportValue(data: unknown, exported: PlanExport): unknown {
  const values: unknown[] = [];
  collect(data, exported.path, 1, values);
  const test = exported.test;
  if (exported.list) return test ? values.map((value) => passes(value, test)) : values;
  const value = values[0] ?? null;
  return test ? passes(value, test) : value;
}

// path[0] is the step's own key; `data` is already the step's value.
function collect(value: unknown, path: readonly string[], index: number, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, index, into);
    return;
  }
  if (index === path.length) {
    if (value !== undefined) into.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  collect((value as Record<string, unknown>)[path[index]], path, index + 1, into);
}

function passes(value: unknown, test: ExportTest): boolean {
  if ('equals' in test) return same(value, test.equals);
  if ('notEquals' in test) return !same(value, test.notEquals);
  if (test.in) return test.in.some((candidate) => same(value, candidate));
  if (test.greaterThan !== undefined) return typeof value === 'number' && value > test.greaterThan;
  if (test.lessThan !== undefined) return typeof value === 'number' && value < test.lessThan;
  if (test.isNull !== undefined) return (value === null || value === undefined) === test.isNull;
  return Boolean(value);
}

// Upstream values arrive as they serialize (IDs as strings): compare 1 and "1" as equal.
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}
