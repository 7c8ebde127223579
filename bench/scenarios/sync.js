// Scenario 9, sync: a full sync of 10,000 records (people API → CRM, pages of 100, one
// PUT per record) run by a Skein gateway (`skein serve`, embedded registry; PostgreSQL
// too with BENCH_SYNC_DATABASE_URL) against a hand-written script making the same
// upstream calls with the same concurrency, in the same run, as a ratio of throughput.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SKEIN_BIN } from '../lib/paths.js';
import { num, ratio, section, table } from '../lib/report.js';

const RECORDS = 10_000;
const PAGE = 100;
const CONCURRENCY = 8;

export async function sync(ctx) {
  const records = ctx.settings.quick ? 2_000 : RECORDS;
  const people = await startPeople(records);
  const crm = await startCrm();
  const rows = [];
  const raw = [];
  const stores = [['embedded', undefined], ...(process.env.BENCH_SYNC_DATABASE_URL ? [['PostgreSQL (pg-boss)', process.env.BENCH_SYNC_DATABASE_URL]] : [])];
  try {
    for (const [store, databaseUrl] of stores) {
      ctx.log(`sync: hand-written script, ${records} records`);
      const before = await handWritten(people.url, crm.url, records);
      ctx.log(`sync: Skein (${store}), ${records} records`);
      crm.reset();
      const skein = await throughSkein(ctx, people.url, crm.url, databaseUrl);
      const ok = skein.written === records && crm.appliedOnce(records);
      ctx.log(`sync: hand-written script again`);
      const after = await handWritten(people.url, crm.url, records);
      const scriptMs = (before.ms + after.ms) / 2;
      raw.push({ store, records, scriptMs: [before.ms, after.ms], skein });
      rows.push([store, num(records), num(scriptMs), num(skein.ms), num((records / scriptMs) * 1000), num((records / skein.ms) * 1000), ratio(records / skein.ms, records / scriptMs), ok ? 'yes' : `NO (${skein.written} written)`]);
    }
  } finally {
    await Promise.all([people.close(), crm.close()]);
  }
  const markdown = section({
    title: '11. Sync: a 10,000-record full sync',
    what: `A sync job (FULL rule, offset paging of ${PAGE}, one upsert mutation per record with an idempotency key, ${CONCURRENCY} writes in flight) reading a people API and writing a CRM, both node:http servers in the bench process, run by \`skein serve\` on demand (the admin API's runSyncJob) until the run succeeded; time from the run's start to its end as the store records it.`,
    baseline: `a hand-written script in the bench process making the same upstream calls (GET each page, PUT each record with an Idempotency-Key, ${CONCURRENCY} in flight), run before and after Skein in the same run (mean of the two).`,
    body: table(['store', 'records', 'script ms', 'Skein ms', 'script records/s', 'Skein records/s', 'Skein / script', 'each record applied once'], rows),
    notes: [
      'Skein does per record what the script does not: the read and write each go through the GraphQL pipeline and the source guards (budget, breaker, retries), and each page stores its records\' outcomes, key hashes and checkpoint in the registry, which is what lets a stopped run resume without writing twice.',
    ],
  });
  return { markdown, raw };
}

async function handWritten(peopleUrl, crmUrl, records) {
  const started = performance.now();
  for (let offset = 0; ; offset += PAGE) {
    const page = await (await fetch(`${peopleUrl}/people?offset=${offset}&limit=${PAGE}`)).json();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < page.length) {
          const person = page[next++];
          const response = await fetch(`${crmUrl}/contacts/${person.id}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'idempotency-key': `script:${started}:${person.id}` },
            body: JSON.stringify({ id: person.id, fullName: person.name, email: person.email, origin: 'skein' }),
          });
          if (!response.ok) throw new Error(`CRM answered ${response.status}`);
          await response.arrayBuffer();
        }
      }),
    );
    if (page.length < PAGE) break;
  }
  return { ms: performance.now() - started, records };
}

async function throughSkein(ctx, peopleUrl, crmUrl, databaseUrl) {
  const schema = mkdtempSync(path.join(os.tmpdir(), 'skein-bench-sync-schema-'));
  const data = mkdtempSync(path.join(os.tmpdir(), 'skein-bench-sync-data-'));
  const port = ctx.ports.gateway;
  const child = spawn(process.execPath, [SKEIN_BIN, 'serve', '--schema', schema, '--data', data, '--dev', '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, DATABASE_URL: databaseUrl ?? '', SKEIN_SYNC_CONCURRENCY: String(CONCURRENCY) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    await until(() => out.includes("admin API") || child.exitCode !== null, 180_000, () => out);
    if (child.exitCode !== null) throw new Error(`skein serve exited with ${child.exitCode}: ${out}`);
    const admin = `http://127.0.0.1:${port}/admin/graphql`;
    const call = async (query, variables = {}) => {
      const response = await fetch(admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = await response.json();
      if (body.errors) throw new Error(`admin API: ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    for (const sdl of [peopleSDL(peopleUrl), crmSDL(crmUrl)]) await call('mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: sdl });
    await call('mutation($d: String!) { saveSyncJob(document: $d, publish: true) { name } }', { d: JOB });
    const { runSyncJob } = await call('mutation { runSyncJob(name: "benchContacts") { id } }');
    let run;
    await until(async () => {
      run = (await call('query($id: Int!) { syncRun(id: $id) { state written failed startedAt finishedAt error } }', { id: runSyncJob.id })).syncRun;
      if (run.state === 'FAILED') throw new Error(`the sync run failed: ${run.error}`);
      return run.state === 'SUCCEEDED';
    }, 600_000);
    return { ms: Date.parse(run.finishedAt) - Date.parse(run.startedAt), written: run.written, failed: run.failed };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(schema, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

async function until(probe, timeoutMs, describe = () => '') {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms ${describe()}`);
}

const JOB = `query benchContacts($offset: Int, $limit: Int) @sync(
  key: "id", rule: FULL
  paging: { style: OFFSET, variable: "offset", size: ${PAGE}, sizeVariable: "limit" }
  constants: [{ name: "origin", value: "skein" }]
  upsert: "upsertContact(id: $key, input: $record, idempotencyKey: $idempotencyKey) { id }"
) { people(offset: $offset, limit: $limit) { id fullName: name email } }`;

const peopleSDL = (url) => `extend schema @source(name: "people", kind: REST, url: "${url}")
type Person { id: ID! name: String! email: String }
type Query { people(offset: Int, limit: Int): [Person!]! @rest(source: "people", path: "/people", query: [{ name: "offset", value: "{offset}" }, { name: "limit", value: "{limit}" }]) }`;

const crmSDL = (url) => `extend schema @source(name: "crm", kind: REST, url: "${url}")
input ContactInput { id: ID! fullName: String! email: String origin: String }
type Contact { id: ID! }
type Mutation { upsertContact(id: ID!, input: ContactInput!, idempotencyKey: String): Contact
  @rest(source: "crm", method: PUT, path: "/contacts/{id}", body: "input", headers: [{ name: "Idempotency-Key", value: "{idempotencyKey}" }]) }`;

async function startPeople(count) {
  const people = Array.from({ length: count }, (_, i) => ({ id: String(i + 1).padStart(6, '0'), name: `Person ${i + 1}`, email: `p${i + 1}@example.test` }));
  return listen((req, res) => {
    const url = new URL(req.url, 'http://x');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? PAGE);
    const body = JSON.stringify(people.slice(offset, offset + limit));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

async function startCrm() {
  const seen = new Set();
  const applied = new Map();
  const server = await listen((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = req.url.replace('/contacts/', '');
      const key = req.headers['idempotency-key'];
      if (!seen.has(key)) {
        seen.add(key);
        JSON.parse(body);
        applied.set(id, (applied.get(id) ?? 0) + 1);
      }
      const answer = JSON.stringify({ id });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  return {
    ...server,
    reset: () => applied.clear(),
    /** Every id applied exactly once since the last reset. */
    appliedOnce: (records) => applied.size === records && [...applied.values()].every((n) => n === 1),
  };
}

async function listen(handler) {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
