import { generate } from '@graphql-codegen/cli';
import { parse, printSchema, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';

// Composites stay plain GraphQL: tools that know nothing of Skein accept them against the
// schema the gateway serves (which declares @export and @internal).
describe('the demo composites are standard GraphQL', () => {
  const folder = loadSchemaFolder('schema');
  let graph: Graph;
  beforeAll(async () => {
    graph = await buildGraph(folder, { onSourceError: 'degrade' });
  });
  afterAll(() => graph.close());

  it('graphql-js validation accepts each one, unchanged, against the served schema', () => {
    expect(folder.composites.length).toBeGreaterThanOrEqual(3);
    for (const file of folder.composites) {
      expect(validate(graph.schema, parse(file.text)).map((e) => `${file.path}: ${e.message}`)).toEqual([]);
    }
  });

  it('graphql-codegen generates operation types for them', async () => {
    const [output] = await generate(
      {
        schema: printSchema(graph.schema),
        documents: folder.composites.map((file) => file.path),
        generates: { 'composites.ts': { plugins: ['typescript', 'typescript-operations'] } },
        silent: true,
      },
      false,
    );
    expect(output.content).toContain('export type HotelOrderQuery');
    expect(output.content).toContain('export type SalaryQueryVariables');
    expect(output.content).toContain('export type CustomerStatementQuery');
  });
});
