import { SchemaError, SchemaErrors } from '../errors/schema-error.js';

/**
 * Prints an error the way a user should see it (located schema errors one per line,
 * anything else as one line without a stack) and sets a failing exit code.
 */
export function reportFailure(error: unknown): void {
  if (error instanceof SchemaErrors) {
    for (const item of error.errors) console.error(item.format());
    console.error(`\n${error.errors.length} errors`);
  } else if (error instanceof SchemaError) {
    console.error(error.format());
  } else if (error instanceof Error) {
    console.error(`skein: ${error.message}`);
    if (process.env.SKEIN_DEBUG) console.error(error.stack);
  } else {
    console.error(`skein: ${String(error)}`);
  }
  process.exitCode = 1;
}
