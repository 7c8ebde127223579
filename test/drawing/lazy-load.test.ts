import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const dist = (file: string) => pathToFileURL(path.resolve('dist', file)).href;

/**
 * elkjs (~1.4 MB) and resvg (~2.4 MB of WebAssembly) are for pictures only: a gateway that
 * serves composites, with Skein-Expose-Plan flows too, must not load them, and a picture
 * loads them in the drawing thread, never in the thread serving requests. A module hook in
 * a fresh Node process (running the built gateway, as users do) logs every module its main
 * thread resolves.
 */
it('a gateway serves composites and their flows without elkjs or resvg; pictures load them in the drawing thread only', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-lazy-'));
  const log = path.join(dir, 'resolved.log');
  writeFileSync(
    path.join(dir, 'hook.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`,
  );
  writeFileSync(
    path.join(dir, 'child.mjs'),
    `import { register } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(path.join(dir, 'hook.mjs')).href)});
writeFileSync(${JSON.stringify(log)}, '');
const loaded = () => {
  const urls = readFileSync(${JSON.stringify(log)}, 'utf8');
  return {
    elkjs: urls.includes('/node_modules/elkjs/'),
    resvg: urls.includes('/node_modules/@resvg/'),
    drawingThread: urls.includes('/composite/explain/drawing-worker.js'),
  };
};
const { buildGraph } = await import(${JSON.stringify(dist('graph/index.js'))});
const { loadSchemaFolder } = await import(${JSON.stringify(dist('schema/index.js'))});
const { startGateway } = await import(${JSON.stringify(dist('server/index.js'))});
const { explainPlan } = await import(${JSON.stringify(dist('composite/index.js'))});
const graph = await buildGraph(loadSchemaFolder(${JSON.stringify(path.resolve('schema'))}), { onSourceError: 'degrade' });
const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
const response = await fetch(gateway.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'skein-expose-plan': 'true' },
  body: JSON.stringify({ query: '{ salary(employeeId: "1") { netSalary } }' }),
});
const answer = await response.json();
const report = { flowSteps: answer.extensions.plan[0].flow.steps.length, serving: loaded() };
const svg = await explainPlan(graph.plans.get('salary'), 'svg');
report.svg = { ...loaded(), drawn: svg.includes('data-step="socialInsurance"') };
const png = await explainPlan(graph.plans.get('salary'), 'png');
report.png = { ...loaded(), drawn: Buffer.from(png.subarray(1, 4)).toString() === 'PNG' };
await gateway.close();
await graph.close();
console.log(JSON.stringify(report));`,
  );
  const { stdout } = await run('node', [path.join(dir, 'child.mjs')]);
  expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
    flowSteps: 3,
    serving: { elkjs: false, resvg: false, drawingThread: false },
    svg: { elkjs: false, resvg: false, drawingThread: true, drawn: true },
    png: { elkjs: false, resvg: false, drawingThread: true, drawn: true },
  });
});
