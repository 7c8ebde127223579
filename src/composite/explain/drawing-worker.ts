import { Worker } from 'node:worker_threads';
import { compiledFile } from '../../compiled-file.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';

export type DrawingTask =
  | { readonly kind: 'layout'; readonly graph: ElkNode }
  | { readonly kind: 'png'; readonly svg: string; readonly fonts: readonly string[]; readonly scale: number };

/** Heap of the drawing thread: a layout that needs more fails alone, and the next task starts a new thread. */
const DRAWING_MEMORY_MB = 512;

let worker: Worker | undefined;
const pending = new Map<number, { resolve: (result: any) => void; reject: (error: Error) => void }>();
let next = 0;

/** ELK's layout of `graph`, computed in the drawing thread (src/drawing's `LayoutEngine`). */
export function layoutInThread(graph: ElkNode): Promise<ElkNode> {
  return run({ kind: 'layout', graph });
}

/** resvg's PNG of `svg`, in the drawing thread. */
export function pngInThread(svg: string, fonts: readonly string[], scale: number): Promise<Uint8Array> {
  return run({ kind: 'png', svg, fonts, scale });
}

function run<T>(task: DrawingTask): Promise<T> {
  const thread = worker ?? start();
  const id = next++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // The thread keeps the process alive only while it has work.
    thread.ref();
    thread.postMessage({ id, task });
  });
}

function start(): Worker {
  const thread = new Worker(compiledFile(import.meta.url, './drawing-thread.js', 'the drawing thread'), { resourceLimits: { maxOldGenerationSizeMb: DRAWING_MEMORY_MB } });
  thread.unref();
  thread.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiting = settle(message.id);
    if (!waiting) return;
    if (message.error !== undefined) waiting.reject(new Error(`drawing the plan failed: ${message.error}`));
    else waiting.resolve(message.result instanceof Uint8Array ? new Uint8Array(message.result) : message.result);
  });
  const fail = (error: Error) => {
    if (worker === thread) worker = undefined;
    const reason =
      (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `the drawing thread ran out of memory (${DRAWING_MEMORY_MB} MB): the plan is too large to draw`
        : `the drawing thread failed: ${error.message}`;
    for (const id of [...pending.keys()]) settle(id)!.reject(new Error(reason));
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  worker = thread;
  return thread;
}

function settle(id: number) {
  const waiting = pending.get(id);
  pending.delete(id);
  if (pending.size === 0) worker?.unref();
  return waiting;
}

