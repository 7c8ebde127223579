import type { Command } from 'commander';

/** `skein import wsdl <file-or-url> --source <name> [--out <file>]` */
export function registerImportWsdl(_parent: Command): void {
  // Built in src/sources/soap/.
}
