import { parentPort, workerData } from 'node:worker_threads';
import type { GraphFactory, GraphFactoryOptions } from './candidate.js';
import { runCheckTask, type CheckTask } from './check-tasks.js';
import type { RegistryLimits } from './limits.js';

/**
 * The thread that checks registry changes (started by candidate-checker.ts): it parses
 * documents and builds candidate graphs, which take seconds for large ones, while the
 * gateway's main thread goes on serving. It says when a build starts, so the main
 * thread knows a check is in progress.
 */
const { graphOptions, limits } = workerData as { graphOptions: GraphFactoryOptions; limits: RegistryLimits };
// The graph builders are loaded with the first build, so reading documents answers at once.
let graphs: Promise<GraphFactory> | undefined;
const loadGraphs = () => (graphs ??= import('./candidate.js').then(({ graphFactory }) => graphFactory(graphOptions)));
const port = parentPort!;

port.on('message', async ({ id, task }: { id: number; task: CheckTask }) => {
  if (task.kind === 'build') port.postMessage({ id, started: true });
  port.postMessage({ id, outcome: await runCheckTask(task, loadGraphs, limits) });
});
