#!/usr/bin/env node
// Measures how well `skein find` / `skein compose` match needs to operations: over the demo
// sources plus the GitHub REST API imported (about 1,200 operations), every need of
// test/compose/matching-needs.json is ranked, and top-1 and top-3 accuracy are printed,
// with each miss. Then a 10-step request over the same registry is drafted and timed.
//
//   npm run build && node scripts/measure-matching.js
//
// The GitHub description comes from the npm package @octokit/openapi, fetched with `npm pack`
// into test/.fixtures (as the tests' packageFile does), never committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeRequest, operationIndexOf } from '../dist/compose/index.js';
import { buildGraph } from '../dist/graph/index.js';
import { loadSchemaFolder } from '../dist/schema/index.js';
import { importOpenAPI } from '../dist/sources/rest/openapi/index.js';

const GITHUB = ['@octokit/openapi@23.0.2', 'package/generated/api.github.com.json'];

function packageFile(spec, file) {
  const folder = path.resolve('test/.fixtures', spec.replace(/[^A-Za-z0-9.@-]+/g, '_'));
  const target = path.join(folder, file);
  if (existsSync(target)) return target;
  mkdirSync(folder, { recursive: true });
  const tarball = execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', path.join(folder, tarball), '-C', folder]);
  return target;
}

const { needs } = JSON.parse(readFileSync('test/compose/matching-needs.json', 'utf8'));
const github = await importOpenAPI(packageFile(...GITHUB), { source: 'github', prefix: 'Gh' });
const demo = loadSchemaFolder('schema');
const graph = await buildGraph(
  { sources: [...demo.sources, { path: 'github.graphql', text: github.sdl }], composites: [] },
  { onSourceError: 'degrade' },
);

let started = performance.now();
const index = operationIndexOf(graph);
const indexMs = performance.now() - started;

let top1 = 0;
let top3 = 0;
const misses = [];
started = performance.now();
for (const { need, expected } of needs) {
  const ranked = index.search(need, { limit: 3 }).map((c) => c.field);
  if (ranked[0] === expected) top1++;
  if (ranked.includes(expected)) top3++;
  else misses.push(`  "${need}": expected ${expected}, got ${ranked.join(', ') || 'nothing'}`);
  if (ranked[0] !== expected && ranked.includes(expected)) misses.push(`  "${need}": ${expected} ranked ${ranked.indexOf(expected) + 1}, after ${ranked[0]}`);
}
const searchMs = performance.now() - started;
const percent = (n) => `${((100 * n) / needs.length).toFixed(1)} %`;
console.log(`${index.size} operations indexed in ${indexMs.toFixed(0)} ms; ${needs.length} needs ranked in ${searchMs.toFixed(0)} ms`);
console.log(`top-1: ${top1}/${needs.length} (${percent(top1)})   top-3: ${top3}/${needs.length} (${percent(top3)})`);
if (misses.length) console.log(`not first:\n${misses.join('\n')}`);

// A 10-step request over the same registry: matching, wiring, drafting, checking, compiling.
const tenSteps = readFileSync('test/compose/requests/repositoryOverview.yaml', 'utf8');
const runs = [];
for (let i = 0; i < 5; i++) {
  started = performance.now();
  composeRequest(graph, tenSteps, { file: 'overview.yaml' });
  runs.push(performance.now() - started);
}
const drafted = composeRequest(graph, tenSteps, { file: 'overview.yaml' });
console.log(`10-step request (9 needs matched, 1 named) over ${index.size} operations: ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms (5 runs; index already built)`);
console.log(`  its plan: ${drafted.plan.stages.map((s) => s.join(' ‖ ')).join(' → ')}`);
await graph.close();
