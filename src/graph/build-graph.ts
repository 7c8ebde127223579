import type { GraphQLSchema } from 'graphql';
import { buildSourceSchema, type SchemaInput, type SourceSchemaOptions } from '../schema/index.js';
import type { Operation, SourceConfig } from '../sources/index.js';

/** Everything one version of the served graph is made of. Immutable once built. */
export interface Graph {
  readonly schema: GraphQLSchema;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  readonly operations: ReadonlyMap<string, Operation>;
  /** Releases upstream connection pools; call once no request uses this graph. */
  close(): Promise<void>;
}

export type GraphOptions = SourceSchemaOptions;

/** Builds the graph a gateway serves from source SDL and composite documents. */
export async function buildGraph(input: SchemaInput, options: GraphOptions = {}): Promise<Graph> {
  const base = await buildSourceSchema(input.sources, options);
  return { schema: base.schema, sources: base.sources, operations: base.operations, close: base.close };
}
