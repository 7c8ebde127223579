import { SchemaError, SchemaErrors, type SchemaLocation } from '../errors/schema-error.js';
import type { Candidate, GraphFactory } from './candidate.js';
import { readCompositeHeader, readSourceHeader, type CompositeHeader, type SourceHeader } from './documents.js';
import { RegistryError, type RegistryErrorCode } from './errors.js';
import { exceeded, type RegistryLimits } from './limits.js';

/**
 * The work of checking a change, as plain data so it can cross to the checking thread
 * (check-worker.ts) and its answer back: read a source's or a composite's header (parsing
 * the whole document, counting fields or steps against the limits), or build a candidate.
 */
export type CheckTask =
  | { readonly kind: 'source'; readonly sdl: string; readonly file: string }
  | { readonly kind: 'composite'; readonly text: string; readonly file: string }
  | { readonly kind: 'build'; readonly candidate: Candidate };

/** A task's answer: its value, or what it threw, as data. */
export type CheckOutcome =
  | { readonly value: SourceHeader | CompositeHeader | null }
  | { readonly registryError: { readonly code: RegistryErrorCode; readonly message: string; readonly details: readonly string[] } }
  | { readonly schemaErrors: readonly { readonly message: string; readonly location: SchemaLocation | undefined }[] }
  | { readonly failure: string };

/** Runs one task; `graphs` is asked for only when a graph is built (loading the builders takes a while). */
export async function runCheckTask(task: CheckTask, graphs: () => Promise<GraphFactory>, limits: RegistryLimits): Promise<CheckOutcome> {
  try {
    if (task.kind === 'source') {
      const header = readSourceHeader(task.sdl, task.file);
      if (header.fields > limits.maxSourceFields) {
        throw exceeded(`source ${header.name}${placeOf(task.file)} declares ${header.fields} fields, over the limit of ${limits.maxSourceFields}`, 'maxSourceFields');
      }
      return { value: header };
    }
    if (task.kind === 'composite') {
      const header = readCompositeHeader(task.text, task.file);
      if (header.steps > limits.maxCompositeSteps) {
        throw exceeded(`composite ${header.name}${placeOf(task.file)} has ${header.steps} steps, over the limit of ${limits.maxCompositeSteps}`, 'maxCompositeSteps');
      }
      return { value: header };
    }
    const graph = await (await graphs()).build(task.candidate);
    await graph.close();
    return { value: null };
  } catch (error) {
    return outcomeOf(error);
  }
}

/** ` (file)` for a file the text came from; nothing for a placeholder such as `<source SDL>`. */
function placeOf(file: string): string {
  return file.startsWith('<') ? '' : ` (${file})`;
}

function outcomeOf(error: unknown): CheckOutcome {
  if (error instanceof RegistryError) return { registryError: { code: error.code, message: error.message, details: error.details } };
  const errors = error instanceof SchemaErrors ? error.errors : error instanceof SchemaError ? [error] : undefined;
  if (errors) return { schemaErrors: errors.map((e) => ({ message: e.message, location: e.location })) };
  return { failure: (error as Error)?.message ?? String(error) };
}

/** The task's value, or the error it threw re-created on this side (SchemaErrors keep their file:line:column). */
export function valueOf(outcome: CheckOutcome): unknown {
  if ('value' in outcome) return outcome.value;
  if ('registryError' in outcome) {
    const { code, message, details } = outcome.registryError;
    throw new RegistryError(code, message, details);
  }
  if ('schemaErrors' in outcome) {
    const errors = outcome.schemaErrors.map((e) => new SchemaError(e.message, e.location));
    throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);
  }
  throw new Error(outcome.failure);
}
