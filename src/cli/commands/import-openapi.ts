import type { Command } from 'commander';

/** `skein import openapi <file-or-url> --source <name> [--out <file>]` */
export function registerImportOpenAPI(_parent: Command): void {
  // Built in src/sources/rest/openapi/.
}
