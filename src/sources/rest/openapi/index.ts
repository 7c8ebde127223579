export {
  importOpenAPI,
  type ImportStep,
  type OpenAPIImport,
  type OpenAPIImportOptions,
} from './import-openapi.js';
export type { Note } from './api-description.js';
export { formatWarning, type ImportWarning } from './import-warnings.js';
