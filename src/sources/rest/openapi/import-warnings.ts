import type { SchemaLocation } from '../../../errors/schema-error.js';

/**
 * Something wrong in an imported document that did not stop the import: where it is
 * written, what is wrong and what the import made of it. `--strict` refuses documents
 * that would have warnings.
 */
export interface ImportWarning {
  readonly location: SchemaLocation;
  readonly message: string;
}

/** `file:line:column: warning: message`, as editors and the CLI read it. */
export function formatWarning(warning: ImportWarning): string {
  const { file, line, column } = warning.location;
  return `${file}:${line}:${column}: warning: ${warning.message}`;
}
