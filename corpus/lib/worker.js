// A pool worker: checks the documents the runner sends, one at a time.
import { parentPort } from 'node:worker_threads';
import { checkDocument } from './check-document.js';

parentPort.on('message', async (document) => {
  const result = await checkDocument(document).catch((error) => ({ ok: false, stage: 'crash', error: String(error?.message ?? error), cause: 'crash', ms: 0 }));
  parentPort.postMessage(result);
});
