import type { Command } from 'commander';

/** `skein import <kind>`: turn an API description into readable source SDL. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Generate source SDL from an API description (openapi, wsdl).');
}
