import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';
import type { DrawingTask } from './drawing-worker.js';

/**
 * The drawing thread (started by drawing-worker.ts): ELK layouts and resvg renderings take
 * from milliseconds to seconds (a composite of 200 steps), so they run here, never on the
 * thread that serves requests. Each library is loaded on its first task.
 */
const require = createRequire(import.meta.url);
let elk: ELK | undefined;
let resvg: Promise<typeof import('@resvg/resvg-wasm')> | undefined;
const fonts = new Map<string, Promise<Buffer>>();

async function layout(graph: ElkNode): Promise<ElkNode> {
  if (!elk) {
    // elk.bundled.js runs ELK in this thread (its "fake worker"): this thread is the worker.
    const ElkConstructor = require('elkjs/lib/elk.bundled.js') as new () => ELK;
    elk = new ElkConstructor();
  }
  return elk.layout(graph);
}

async function png(svg: string, fontFiles: readonly string[], scale: number): Promise<Uint8Array> {
  resvg ??= import('@resvg/resvg-wasm').then(async (module) => {
    await module.initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return module;
  });
  const { Resvg } = await resvg;
  const fontBuffers = await Promise.all(
    fontFiles.map((file) => {
      if (!fonts.has(file)) fonts.set(file, readFile(file));
      return fonts.get(file)!;
    }),
  );
  const renderer = new Resvg(svg, {
    font: { fontBuffers, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  });
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}

parentPort!.on('message', async ({ id, task }: { id: number; task: DrawingTask }) => {
  try {
    const result = task.kind === 'layout' ? await layout(task.graph) : await png(task.svg, task.fonts, task.scale);
    if (result instanceof Uint8Array) parentPort!.postMessage({ id, result }, [result.buffer as ArrayBuffer]);
    else parentPort!.postMessage({ id, result });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
