// npm run corpus [-- --sample 400] [--only openapi|wsdl] [--workers 2] [--limit 60] [--no-round-trip] [--round-trip-limit 120]
// Imports and checks every document of the corpus (corpus/packages.json), in process, the
// way `skein import openapi|wsdl` and `skein check` do, and writes corpus/RESULTS.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS, WORK, corpusDocuments } from './lib/fetch.js';
import { runPool } from './lib/pool.js';
import { Progress } from './lib/progress.js';
import { writeResults } from './lib/report.js';
import { ROUND_TRIP_CORPORA } from './lib/round-trips.js';

const { values } = parseArgs({
  options: {
    sample: { type: 'string' },
    seed: { type: 'string', default: '11' },
    only: { type: 'string' },
    workers: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    limit: { type: 'string', default: '60' },
    out: { type: 'string', default: path.join(CORPUS, 'RESULTS.md') },
    'round-trip': { type: 'boolean', default: true },
    'round-trip-limit': { type: 'string', default: '120' },
  },
  allowNegative: true,
});

const packages = JSON.parse(readFileSync(path.join(CORPUS, 'packages.json'), 'utf8'));
let documents = corpusDocuments(packages, (line) => process.stderr.write(`${line}\n`));
if (values.only) documents = documents.filter((d) => d.corpus === values.only);
const totals = { openapi: documents.filter((d) => d.corpus === 'openapi').length, wsdl: documents.filter((d) => d.corpus === 'wsdl').length };
let sampled;
if (values.sample) {
  // A seeded sample of the OpenAPI documents; every WSDL.
  const size = Number(values.sample);
  const random = mulberry32(Number(values.seed));
  const openapi = documents.filter((d) => d.corpus === 'openapi');
  for (let i = openapi.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [openapi[i], openapi[j]] = [openapi[j], openapi[i]];
  }
  sampled = { size: Math.min(size, openapi.length), seed: Number(values.seed) };
  documents = [...openapi.slice(0, size).sort((a, b) => a.path.localeCompare(b.path)), ...documents.filter((d) => d.corpus === 'wsdl')];
}

const started = performance.now();
const progress = new Progress(documents.length, { every: 100 });
const results = await runPool(documents, {
  workers: Number(values.workers),
  limitMs: Number(values.limit) * 1000,
  onResult: (r) => progress.tick(r.ok, `${r.spec} ${r.path}`),
});
progress.end();

// Then each document that passed is called through Skein against a service built from it
// (corpus/lib/roundtrip/), with a limit of its own, so a slow round trip never fails a check.
const callable = values['round-trip'] ? results.filter((r) => r.ok && ROUND_TRIP_CORPORA.has(r.corpus)) : [];
if (callable.length > 0) {
  const tripProgress = new Progress(callable.length, { every: 10, label: 'round trips' });
  const trips = await runPool(
    callable.map(({ corpus, file }) => ({ corpus, file, task: 'round-trip' })),
    { workers: Number(values.workers), limitMs: Number(values['round-trip-limit']) * 1000, onResult: (r) => tripProgress.tick(r.ok, r.file) },
  );
  tripProgress.end();
  callable.forEach((result, i) => {
    const trip = trips[i];
    result.roundTrip = trip.ok ? trip.roundTrip : { operations: 0, passed: 0, failures: [`${trip.stage}: ${trip.error}`], unfinished: true };
  });
}
const totalMs = performance.now() - started;

mkdirSync(WORK, { recursive: true });
writeFileSync(path.join(WORK, 'results.json'), JSON.stringify(results.map(({ file, ...r }) => r), null, 1));
writeResults(values.out, { results, totalMs, packages, totals, sampled, workers: Number(values.workers), limitS: Number(values.limit) });
const failed = results.filter((r) => !r.ok).length;
process.stderr.write(`${results.length - failed}/${results.length} pass in ${(totalMs / 1000).toFixed(1)} s → ${path.relative(process.cwd(), values.out)}\n`);

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
