// Writes corpus/RESULTS.md from a run's results.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const LABEL = { openapi: 'APIs.guru OpenAPI directory', wsdl: 'WSDLs from npm packages' };

export function writeResults(file, { results, totalMs, packages, totals, sampled, workers, limitS }) {
  const lines = [];
  const out = (line = '') => lines.push(line);
  const percent = (a, b) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
  const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

  out('# Corpus results');
  out();
  out('Written by `npm run corpus` (corpus/run.js); do not edit by hand. Each document goes through');
  out("what `skein import openapi|wsdl` does (the importer, lenient: validation problems are warnings) and");
  out('then what `skein check` does with the generated SDL (the graph built with `onSourceError: fail`).');
  out(`A document passes when both succeed. Per-document limit ${limitS} s; ${workers} worker thread(s);`);
  out(`${os.cpus().length} CPU(s), Node ${process.version}, run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  out();
  if (sampled) {
    out(`**This run is a sample**: ${sampled.size} of the ${totals.openapi} OpenAPI documents, drawn with seed ${sampled.seed}`);
    out('(`npm run corpus -- --sample ' + sampled.size + ' --seed ' + sampled.seed + '`), and every WSDL. `npm run corpus` with no');
    out('options runs them all.');
    out();
  }
  out('| Corpus | Documents | Pass | Fail | Pass rate | Time (sum of documents) |');
  out('|---|---:|---:|---:|---:|---:|');
  for (const corpus of ['openapi', 'wsdl']) {
    const mine = results.filter((r) => r.corpus === corpus);
    if (mine.length === 0) continue;
    const pass = mine.filter((r) => r.ok).length;
    const ms = mine.reduce((sum, r) => sum + (r.ms ?? 0), 0);
    out(`| ${LABEL[corpus]} | ${mine.length} | ${pass} | ${mine.length - pass} | ${percent(pass, mine.length)} | ${secs(ms)} |`);
  }
  out();
  out(`Total wall time: ${secs(totalMs)}.`);
  out();
  out('Sources:');
  out();
  out(`- OpenAPI: \`${packages.openapi.spec}\`, every document under \`${packages.openapi.folder}/\`.`);
  const wsdls = results.filter((r) => r.corpus === 'wsdl');
  const bySpec = new Map();
  for (const r of wsdls) bySpec.set(r.spec, (bySpec.get(r.spec) ?? 0) + 1);
  out(`- WSDL: ${wsdls.length} distinct WSDLs (deduplicated by content hash; a WSDL found in several packages counts once, under the first) from ${bySpec.size} packages: ${[...bySpec].map(([spec, n]) => `\`${spec}\` (${n})`).join(', ')}.`);
  out();

  const trips = results.filter((r) => r.roundTrip);
  if (trips.length > 0) {
    out('## Round trips');
    out();
    out('Every document that passes is then *called*: a service built from the document itself answers each operation');
    out('with values generated from its schema, Skein calls every operation through GraphQL, and the answer must carry');
    out("every value sent, with its type; for SOAP, xmllint validates each envelope Skein sent against the WSDL's schemas");
    out('(corpus/lib/roundtrip/README.md says how, and what the harness cannot generate).');
    out();
    out('| Corpus | Documents called | Unfinished in the limit | Operations | Round-trip | Rate | Envelopes valid (validated) |');
    out('|---|---:|---:|---:|---:|---:|---:|');
    for (const corpus of ['openapi', 'wsdl']) {
      const all = trips.filter((r) => r.corpus === corpus);
      const mine = all.filter((r) => !r.roundTrip.unfinished);
      const operations = mine.reduce((n, r) => n + r.roundTrip.operations, 0);
      const passed = mine.reduce((n, r) => n + r.roundTrip.passed, 0);
      const envelopes = mine.filter((r) => r.roundTrip.envelopes);
      const valid = envelopes.reduce((n, r) => n + r.roundTrip.envelopes.valid, 0);
      const validated = envelopes.reduce((n, r) => n + r.roundTrip.envelopes.validated, 0);
      if (all.length === 0) continue;
      out(`| ${LABEL[corpus]} | ${all.length} | ${all.length - mine.length} | ${operations} | ${passed} | ${percent(passed, operations)} | ${envelopes.length ? `${valid} (${validated})` : '-'} |`);
    }
    out();
    const short = trips.filter((r) => r.roundTrip.unfinished || r.roundTrip.passed < r.roundTrip.operations);
    if (short.length > 0) {
      out('Documents with operations that did not round-trip, or whose round trip did not finish within the limit:');
      out();
      for (const r of short) out(`- \`${r.spec}\` \`${r.path}\`: ${r.roundTrip.passed}/${r.roundTrip.operations}; ${escape(r.roundTrip.failures.join('; '))}`);
      out();
    }
  }

  const slowest = [...results].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 5);
  out('Slowest documents: ' + slowest.map((r) => `${r.path} (${secs(r.ms)}, ${r.ok ? 'pass' : 'fail'})`).join(', ') + '.');
  out();

  for (const corpus of ['openapi', 'wsdl']) {
    const failures = results.filter((r) => r.corpus === corpus && !r.ok);
    if (results.every((r) => r.corpus !== corpus)) continue;
    out(`## Failures: ${LABEL[corpus]}`);
    out();
    if (failures.length === 0) {
      out('None.');
      out();
      continue;
    }
    const groups = new Map();
    for (const r of failures) {
      if (!groups.has(r.cause)) groups.set(r.cause, []);
      groups.get(r.cause).push(r);
    }
    const sorted = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    out('| Cause class | Documents |');
    out('|---|---:|');
    for (const [cause, members] of sorted) out(`| ${escape(cause)} | ${members.length} |`);
    out();
    for (const [cause, members] of sorted) {
      out(`### ${escape(cause)} (${members.length})`);
      out();
      for (const r of members) out(`- \`${r.spec}\` \`${r.path}\`: ${escape(r.error.split('\n')[0].slice(0, 400))}`);
      out();
    }
  }
  const notes = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'NOTES.md');
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trimEnd(), '');
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function escape(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
