// A small pool of worker threads. Each document gets `limitMs`; a worker that overruns it
// is terminated and replaced, so one pathological document cannot stall the run.
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./worker.js', import.meta.url);

export async function runPool(documents, { workers = 2, limitMs = 60_000, memoryMb = 2048, onResult }) {
  const results = new Array(documents.length);
  let next = 0;
  const spawn = () => new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });

  async function lane() {
    let worker = spawn();
    while (next < documents.length) {
      const index = next++;
      const document = documents[index];
      const { corpus, file, task } = document;
      const result = await new Promise((resolve) => {
        const current = worker;
        const settle = (value, replace) => {
          clearTimeout(timer);
          // Only our own listeners: Worker keeps internal ones (removeAllListeners stops its messages).
          current.off('message', onMessage).off('error', onError).off('exit', onExit);
          if (replace) {
            void current.terminate();
            worker = spawn();
          }
          resolve(value);
        };
        const timer = setTimeout(
          () => settle({ ok: false, stage: 'timeout', error: `no result within ${limitMs / 1000} s`, cause: 'timeout', ms: limitMs }, true),
          limitMs,
        );
        const started = performance.now();
        const onMessage = (value) => settle(value, false);
        const onError = (error) =>
          settle({ ok: false, stage: 'crash', error: String(error?.message ?? error), cause: 'crash: worker died', ms: performance.now() - started }, true);
        const onExit = (code) =>
          settle({ ok: false, stage: 'crash', error: `worker exited with code ${code}`, cause: 'crash: worker died', ms: performance.now() - started }, true);
        current.on('message', onMessage).on('error', onError).on('exit', onExit);
        current.postMessage({ corpus, file, task });
      });
      results[index] = { ...document, ...result };
      onResult?.(results[index]);
    }
    await worker.terminate();
  }

  await Promise.all(Array.from({ length: Math.min(workers, documents.length) }, lane));
  return results;
}
