import { generate } from '@graphql-codegen/cli';
import { buildClientSchema, getIntrospectionQuery, parse, printSchema, validate, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';

// Composites stay plain GraphQL: tools that know nothing of Skein accept them against the
// schema a frontend gets from the gateway's introspection (which declares @export and
// @internal, and none of Skein's configuration directives).
describe('the demo composites are standard GraphQL', () => {
  const folder = loadSchemaFolder('schema');
  let graph: Graph;
  let gateway: RunningGateway;
  let introspected: GraphQLSchema;
  beforeAll(async () => {
    graph = await buildGraph(folder, { onSourceError: 'degrade' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    });
    introspected = buildClientSchema((await response.json()).data);
  });
  afterAll(async () => {
    await gateway?.close();
    await graph?.close();
  });

  it('the introspected schema is what a frontend sees: @export and @internal, no @rest', () => {
    expect(introspected.getDirective('export')).toBeDefined();
    expect(introspected.getDirective('internal')).toBeDefined();
    expect(introspected.getDirective('rest')).toBeUndefined();
  });

  it('graphql-js validation accepts each one, unchanged, against the introspected schema', () => {
    expect(folder.composites.length).toBeGreaterThanOrEqual(3);
    for (const file of folder.composites) {
      expect(validate(introspected, parse(file.text)).map((e) => `${file.path}: ${e.message}`)).toEqual([]);
    }
  });

  it('graphql-codegen generates operation types for them', async () => {
    const [output] = await generate(
      {
        schema: printSchema(introspected),
        documents: folder.composites.map((file) => file.path),
        generates: { 'composites.ts': { plugins: ['typescript', 'typescript-operations'] } },
        silent: true,
      },
      false,
    );
    expect(output.content).toContain('export type HotelOrderQuery');
    expect(output.content).toContain('export type SalaryQueryVariables');
    expect(output.content).toContain('export type CustomerStatementQuery');
    // Nothing of the gateway's configuration reaches a frontend's generated code (SkeinSourceKind, of Query._skein, is API).
    expect(output.content).not.toMatch(/\b(SourceKind|SourceHeader|RestParam|SoapVersion|WsSecurity)\b/);
  });
});
