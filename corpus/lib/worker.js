// A pool worker: checks (or round-trips) the documents the runner sends, one at a time.
import { parentPort } from 'node:worker_threads';
import { checkDocument, roundTripDocument } from './check-document.js';

const roundTrip = async (document) => {
  const started = performance.now();
  return { ok: true, roundTrip: await roundTripDocument(document), ms: performance.now() - started };
};

parentPort.on('message', async (document) => {
  const result = await (document.task === 'round-trip' ? roundTrip(document) : checkDocument(document)).catch((error) => ({ ok: false, stage: 'crash', error: String(error?.message ?? error), cause: 'crash', ms: 0 }));
  parentPort.postMessage(result);
});
