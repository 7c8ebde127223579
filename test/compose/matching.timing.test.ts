import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRequest, operationIndexOf } from '../../src/compose/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { packageFile } from '../helpers/npm-fixtures.js';

// Matching over a registry of 1,200+ operations: the demo sources and the GitHub REST API
// (imported with prefix Gh, as a user keeps two APIs apart). The accuracy floors sit a little
// under what scripts/measure-matching.js measures (README: "Composing from a business request"),
// so a change that makes matching worse fails here. A timing file: it imports 13 MB of
// OpenAPI and wants the CPU, so it runs after the parallel suite, alone.

const GITHUB = ['@octokit/openapi@23.0.2', 'package/generated/api.github.com.json'] as const;
const { needs } = JSON.parse(readFileSync('test/compose/matching-needs.json', 'utf8')) as { needs: { need: string; expected: string }[] };

describe('matching needs over the demo and the GitHub REST API', () => {
  let graph: Graph;

  beforeAll(async () => {
    const github = await importOpenAPI(packageFile(...GITHUB), { source: 'github', prefix: 'Gh' });
    const demo = loadSchemaFolder('schema');
    graph = await buildGraph({ sources: [...demo.sources, { path: 'github.graphql', text: github.sdl }], composites: [] }, { onSourceError: 'degrade' });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it(`ranks the expected operation first for most of ${needs.length} needs, and in the top three for more`, () => {
    const index = operationIndexOf(graph);
    expect(index.size).toBeGreaterThan(1_000);
    const ranks = needs.map(({ need, expected }) => index.search(need, { limit: 3 }).findIndex((c) => c.field === expected));
    const top1 = ranks.filter((r) => r === 0).length / needs.length;
    const top3 = ranks.filter((r) => r >= 0).length / needs.length;
    console.log(`matching: top-1 ${(top1 * 100).toFixed(1)} %, top-3 ${(top3 * 100).toFixed(1)} % of ${needs.length} needs over ${index.size} operations`);
    expect(top1).toBeGreaterThanOrEqual(0.6);
    expect(top3).toBeGreaterThanOrEqual(0.8);
  });

  it('drafts a 10-step request over it in well under a second (bound: 5 s, for a loaded machine)', () => {
    const request = readFileSync('test/compose/requests/repositoryOverview.yaml', 'utf8');
    operationIndexOf(graph); // built once per graph, as a gateway does on its first search
    const started = performance.now();
    const drafted = composeRequest(graph, request, { file: 'repositoryOverview.yaml' });
    const elapsed = performance.now() - started;
    console.log(`10-step request over ${operationIndexOf(graph).size} operations drafted in ${elapsed.toFixed(0)} ms`);
    expect(drafted.plan.steps).toHaveLength(10);
    expect(elapsed).toBeLessThan(5_000);
  });
});
