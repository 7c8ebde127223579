// Scenario 5's schema build time, in a fresh process: Skein's modules are loaded first
// (timed apart), then a schema folder is read and built into the served graph
// (loadSchemaFolder + buildGraph: SDL validation, WSDLs read, joins, batch forms,
// composites, resolvers bound). Prints JSON { moduleLoadMs, readMs, buildMs, heapUsedMb, rssMb }.
//   node bench/lib/build-timing.js <schema-dir>
const t0 = performance.now();
const { buildGraph } = await import('../../dist/graph/index.js');
const { loadSchemaFolder } = await import('../../dist/schema/index.js');
const t1 = performance.now();
const input = loadSchemaFolder(process.argv[2]);
const t2 = performance.now();
const graph = await buildGraph(input, { onSourceError: 'fail' });
const t3 = performance.now();
const memory = process.memoryUsage();
await graph.close();
process.stdout.write(
  JSON.stringify({ moduleLoadMs: t1 - t0, readMs: t2 - t1, buildMs: t3 - t2, heapUsedMb: memory.heapUsed / 2 ** 20, rssMb: memory.rss / 2 ** 20 }),
);
