import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SchemaError } from '../errors/schema-error.js';
import type { SchemaFile, SchemaInput } from './schema-input.js';

/**
 * Reads a schema folder: `sources/**\/*.graphql` (source SDL) and
 * `composites/**\/*.graphql` (composite documents), in a stable order.
 * Paths in the result are relative to the working directory, as messages show them.
 * The sources may read the documents they name (WSDLs) from inside the folder only.
 */
export function loadSchemaFolder(folder: string): SchemaInput {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new SchemaError(`schema folder "${folder}" does not exist; pass --schema <dir> or create ${folder}/sources/`);
  }
  // Sources read their documents (WSDLs) from inside the schema folder, nowhere else.
  const documents = { folder: path.resolve(folder) };
  return {
    sources: readGraphQLFiles(path.join(folder, 'sources')).map((file) => ({ ...file, documents })),
    composites: readGraphQLFiles(path.join(folder, 'composites')),
    sync: readGraphQLFiles(path.join(folder, 'sync')),
  };
}

function readGraphQLFiles(folder: string): SchemaFile[] {
  if (!existsSync(folder)) return [];
  const files: SchemaFile[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.graphql') || entry.name.endsWith('.gql')) {
        files.push({ path: path.relative(process.cwd(), full) || full, text: readFileSync(full, 'utf8') });
      }
    }
  };
  visit(folder);
  return files;
}
