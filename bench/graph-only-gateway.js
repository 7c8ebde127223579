// A diagnostic launcher, not what users run: serves a schema folder with Skein's own
// buildGraph + startGateway (from dist/), without the registry (no embedded PGlite store,
// no admin API, no seeding). The bench runs it next to `skein serve` to show how much of
// the gateway's memory and start time is the registry's and how much the graph's.
//
//   node bench/graph-only-gateway.js --schema bench/schema --port 4000 [--host 127.0.0.1]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGraph } from '../dist/graph/index.js';
import { loadSchemaFolder } from '../dist/schema/index.js';
import { startGateway } from '../dist/server/index.js';

const { values } = parseArgs({
  options: { schema: { type: 'string', default: 'schema' }, port: { type: 'string', default: '4000' }, host: { type: 'string' } },
});
const graph = await buildGraph(loadSchemaFolder(path.resolve(values.schema)), {
  onSourceError: 'degrade',
  warn: (message) => console.warn(`skein: ${message}`),
});
const gateway = await startGateway({ graph, port: Number(values.port), host: values.host });
console.log(`graph-only gateway at ${gateway.url}`);
const stop = async () => {
  await gateway.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
