export type { SchemaFile, SchemaInput } from './schema-input.js';
export { loadSchemaFolder } from './load-folder.js';
export { buildSourceSchema, type SourceSchema, type SourceSchemaOptions } from './build-source-schema.js';
export { GraphQLJSON } from './scalars.js';
export { BUILTIN_QUERY_FIELD, type GatewayInfo } from './builtin-query.js';
