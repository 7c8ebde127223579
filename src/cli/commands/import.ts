import type { Command } from 'commander';
import { registerImportOpenAPI } from './import-openapi.js';
import { registerImportWsdl } from './import-wsdl.js';
import { registerImportGraphQL } from './import-graphql.js';

/** `skein import <kind>`: turn an API description into readable source SDL. */
export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('Generate source SDL from an API description, to read, edit and commit.');
  registerImportOpenAPI(command);
  registerImportWsdl(command);
  registerImportGraphQL(command);
}
