import path from 'node:path';
import type { SchemaError, SchemaErrors } from '../errors/schema-error.js';
import { count } from './format.js';

/**
 * Prints an error the way a user should see it (located schema errors one per line,
 * anything else as one line without a stack) and sets a failing exit code. Paths under
 * the working directory are shown relative to it, as the user typed them.
 */
export function reportFailure(error: unknown): void {
  const print = (text: string) => console.error(relativeToWorkingDirectory(text));
  if (isSchemaErrors(error)) {
    for (const item of error.errors) print(item.format());
    print(`\n${count(error.errors.length, 'error')}`);
  } else if (isSchemaError(error)) {
    print(error.format());
  } else if (error instanceof Error) {
    print(`skein: ${error.message}`);
    if (process.env.SKEIN_DEBUG) console.error(error.stack);
  } else {
    print(`skein: ${String(error)}`);
  }
  process.exitCode = 1;
}

// Recognised by name rather than instanceof, so that starting the CLI does not load
// graphql (which the error classes import) before a verb needs it.
function isSchemaErrors(error: unknown): error is SchemaErrors {
  return error instanceof Error && error.name === 'SchemaErrors';
}

function isSchemaError(error: unknown): error is SchemaError {
  return error instanceof Error && error.name === 'SchemaError';
}

/** `/home/me/api/bad.wsdl:4:16: /home/me/api/bad.wsdl is …` → `bad.wsdl:4:16: bad.wsdl is …` when run in /home/me/api. */
function relativeToWorkingDirectory(text: string): string {
  const cwd = process.cwd();
  if (path.dirname(cwd) === cwd) return text; // at the root, every absolute path would lose its start
  return text.replaceAll(cwd + path.sep, '');
}
