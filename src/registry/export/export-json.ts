import { RegistryError } from '../errors.js';
import type { CompositeExport, SourceReference } from './composite-export.js';

/** The export as JSON, its keys in a fixed order. */
export function exportToJSON(exported: CompositeExport): string {
  return `${JSON.stringify({ skein: 'composite', ...exported }, null, 2)}\n`;
}

/** Reads an export written by exportToJSON; says which field is missing or wrong. */
export function exportFromJSON(text: string): CompositeExport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RegistryError('BAD_INPUT', `the export is not valid JSON: ${(error as Error).message}`);
  }
  const object = asObject(value, 'the export');
  if (object.skein !== 'composite') throw new RegistryError('BAD_INPUT', `expected a Skein composite export ("skein": "composite"), found ${describe(object.skein)}`);
  if (object.format !== 1) throw new RegistryError('BAD_INPUT', `expected export format 1, found ${describe(object.format)}`);
  const sources = object.sources;
  if (!Array.isArray(sources)) throw new RegistryError('BAD_INPUT', `expected "sources" to be a list, found ${describe(sources)}`);
  return {
    format: 1,
    name: string(object, 'name'),
    operation: operation(object.operation),
    version: integer(object, 'version'),
    state: string(object, 'state'),
    description: object.description === null || object.description === undefined ? null : string(object, 'description'),
    ...(object.protocol === undefined || object.protocol === null ? {} : { protocol: protocol(object.protocol) }),
    document: string(object, 'document'),
    sources: sources.map((item, i): SourceReference => {
      const source = asObject(item, `sources[${i}]`);
      return { name: string(source, 'name'), kind: string(source, 'kind'), version: integer(source, 'version'), sha256: string(source, 'sha256') };
    }),
    exportedAt: string(object, 'exportedAt'),
    exportedFrom: object.exportedFrom === null || object.exportedFrom === undefined ? null : string(object, 'exportedFrom'),
  };
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RegistryError('BAD_INPUT', `expected ${what} to be an object, found ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function string(object: Record<string, unknown>, key: string): string {
  if (typeof object[key] !== 'string') throw new RegistryError('BAD_INPUT', `expected "${key}" to be a string, found ${describe(object[key])}`);
  return object[key] as string;
}

function integer(object: Record<string, unknown>, key: string): number {
  const value = typeof object[key] === 'string' ? Number(object[key]) : object[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RegistryError('BAD_INPUT', `expected "${key}" to be a whole number, found ${describe(object[key])}`);
  }
  return value;
}

export function protocol(value: unknown): 'REST' | 'SOAP' {
  if (value !== 'REST' && value !== 'SOAP') throw new RegistryError('BAD_INPUT', `expected protocol "REST" or "SOAP", found ${describe(value)}`);
  return value;
}

export function operation(value: unknown): 'query' | 'mutation' {
  if (value !== 'query' && value !== 'mutation') throw new RegistryError('BAD_INPUT', `expected operation "query" or "mutation", found ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
