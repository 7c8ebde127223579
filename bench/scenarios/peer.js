// Side by side with the peer: the peer's own benchmark (GraphQL Mesh v1 served by Hive
// Gateway over its REST and SOAP upstreams) run three times in this run: as is, then with
// GW_CMD starting `skein serve` on bench/schema (embedded registry), then `skein serve
// --no-registry`. Every gateway answers exactly the same two queries, checked by the peer's
// bench.js, from the same upstreams, with the same load.
// The peer folder is copied to bench/.work/peer (it installs packages and writes beside itself).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA, WORK } from '../lib/paths.js';
import { assertPortFree } from '../lib/processes.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { modeLabel, skeinCommand } from '../lib/skein.js';

export const PEER = path.join(WORK, 'peer');
const PORT = 4000;

/** Copies the peer (without its node_modules, results and logs) and installs it when needed. */
export function preparePeer(ctx) {
  const from = ctx.settings.peerDir;
  if (!existsSync(path.join(from, 'bench', 'bench.js'))) throw new Error(`peer: no benchmark at ${from} (set BENCH_PEER_DIR)`);
  cpSync(from, PEER, { recursive: true, filter: (src) => !/\/(node_modules|results|logs)(\/|$)/.test(path.relative(from, src) ? `/${path.relative(from, src)}` : '') });
  execFileSync('chmod', ['-R', 'u+w', PEER]);
  const lock = (dir) => (existsSync(path.join(dir, 'package-lock.json')) ? readFileSync(path.join(dir, 'package-lock.json'), 'utf8') : '');
  const installed = path.join(PEER, 'node_modules', '.package-lock.json');
  if (!existsSync(path.join(PEER, 'node_modules', '@graphql-hive', 'gateway')) || !existsSync(installed)) {
    ctx.log('peer: installing its packages (./run-install.sh, npm ci; once)');
    execFileSync('./run-install.sh', { cwd: PEER, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return lock(PEER);
}

/**
 * The peer's bench needs ports 4000, 4101 and 4102. When something else holds one of them
 * (another engineer's process), it runs in a private network namespace (`unshare -n`, root
 * only) with its own loopback: the same kernel path, no shared ports. Returns how it will run.
 */
async function peerNetwork() {
  const busy = [];
  for (const port of [PORT, 4101, 4102]) {
    try {
      await assertPortFree(port);
    } catch {
      busy.push(port);
    }
  }
  if (!busy.length) return { isolated: false };
  if (process.getuid?.() !== 0) throw new Error(`peer: ports ${busy.join(', ')} are busy and a private network namespace needs root; free them first`);
  return { isolated: true, busy };
}

/** Runs the peer's bench.js once; returns the results JSON it saved. */
async function runPeerBench(ctx, label, env) {
  const network = await peerNetwork();
  if (network.isolated) ctx.log(`peer: ports ${network.busy.join(', ')} are busy here; running the peer's bench in a private network namespace (unshare -n)`);
  const [command, args] = network.isolated
    ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" bench/bench.js', process.execPath]]
    : [process.execPath, ['bench/bench.js']];
  const resultsDir = path.join(PEER, 'results');
  const before = new Set(existsSync(resultsDir) ? readdirSync(resultsDir) : []);
  ctx.log(`peer: bench.js for ${label}`);
  await new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PEER,
      env: {
        ...process.env,
        DURATION: String(ctx.settings.peerDuration),
        WARMUP: String(ctx.settings.peerWarmup),
        CONNECTIONS: '20',
        // A quick run measures only the 0 ms point (the throughput targets).
        DELAYS: ctx.settings.quick ? '0' : `0,${ctx.settings.delayMs}`,
        PIN: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      for (const line of String(d).split('\n').filter(Boolean)) ctx.log(`  ${line}`);
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`peer bench for ${label} failed (exit ${code}):\n${err.slice(-3000)}`))));
  });
  const saved = readdirSync(resultsDir).filter((f) => f.endsWith('.json') && !before.has(f)).sort();
  if (saved.length !== 1) throw new Error(`peer: expected one new results file in ${resultsDir}, found ${saved.length}`);
  return { ...JSON.parse(readFileSync(path.join(resultsDir, saved[0]), 'utf8')), isolated: network.isolated };
}

const kind = (scenario) => (scenario.startsWith('direct') ? 'direct' : scenario.includes('joined') ? 'joined' : 'pass-through');

const LABELS = {
  direct: 'direct `GET /orders/1`, no gateway (how much the machine drifted between runs)',
  'pass-through': 'pass-through `order { id userId hotelId roomId total }` (1 REST call)',
  joined: 'joined `order { id user hotel room }` (3 REST + 1 SOAP)',
};

export async function peer(ctx) {
  const { settings } = ctx;
  preparePeer(ctx);
  // A registry seeded from bench/schema, as `skein serve` will find it (the peer's compose step, for Skein).
  const dataDir = await ctx.registry('peer', SCHEMA);
  const runs = [{ key: 'peer', label: 'peer: Hive Gateway 2.15 + Mesh v1', env: {} }];
  for (const mode of ['registry', 'no-registry']) {
    const gwCmd = ['node', ...skeinCommand({ mode, schema: SCHEMA, port: PORT, dataDir })].join(' ');
    runs.push({ key: mode, label: `Skein, ${modeLabel(mode)}`, gwCmd, env: { GW_CMD: gwCmd, GW_LABEL: `Skein (${mode})` } });
  }
  for (const run of runs) run.result = await runPeerBench(ctx, run.label, run.env);

  const [hive, ...skeins] = runs;
  const pick = (run, delay, k) => run.result.results.find((r) => r.delay === delay && kind(r.scenario) === k);
  const rows = [];
  for (const delay of hive.result.DELAYS) {
    for (const k of ['direct', 'pass-through', 'joined']) {
      const p = pick(hive, delay, k);
      for (const run of runs) {
        const r = pick(run, delay, k);
        const gateway = k !== 'direct';
        rows.push([
          run === hive ? delay : '',
          run === hive ? LABELS[k] : '',
          gateway ? run.label : run === hive ? 'in the peer\'s run' : `in the run of ${run.label.replace('Skein, ', 'Skein ')}`,
          num(r.rps),
          run === hive ? '' : `**${ratio(r.rps, p.rps)}**`,
          num(r.p50),
          num(r.p99),
          gateway ? mb(r.gwPeakRssMb) : '',
          gateway && run !== hive ? `**${ratio(r.gwPeakRssMb, p.gwPeakRssMb)}**` : '',
          gateway ? mb(r.gwIdleRssMb) : '',
          gateway ? num(r.gwCpuPct) : '',
          num(r.upstreamCallsPerReq, 2),
        ]);
      }
    }
  }

  const markdown = section({
    title: 'Side by side: Skein and the peer (GraphQL Mesh v1 on Hive Gateway 2.15)',
    what:
      `The peer's own bench.js (bench/.work/peer, copied from ${settings.peerDir}), run three times in this run: with Hive Gateway, then with \`GW_CMD\` set to ` +
      skeins.map((r) => `\`${r.gwCmd}\``).join(' and then to ') +
      `. Same upstreams (the peer's), same two queries with the same expected JSON checked before and after each load run, one fresh gateway process per row, ` +
      `20 connections, ${settings.peerDuration} s after ${settings.peerWarmup} s warm-up. The peer's bench reports autocannon's whole-ms latencies and the mean of per-second request counts.`,
    baseline: 'the peer, measured in the same run ("vs peer"); the direct rows show how much the machine drifted between the three runs.',
    notes: runs
      .filter((r) => r.result.isolated)
      .map((r) => `The run of ${r.label} used a private network namespace (\`unshare -n\`), because another process held port 4000, 4101 or 4102.`),
    body: table(['delay ms', 'query', 'gateway', 'req/s', 'vs peer', 'p50 ms', 'p99 ms', 'peak RSS MB', 'vs peer', 'idle RSS MB', 'gw CPU %', 'upstream calls/req'], rows, 'rllrrrrrrrrr'),
  });

  // The targets, computed once every scenario has run (they also quote scenario 2's figures).
  const headline = () => {
    const mark = (ok) => (ok ? 'met' : '**not met**');
    const peakOf = (run) => Math.max(...run.result.results.filter((r) => kind(r.scenario) !== 'direct').map((r) => r.gwPeakRssMb));
    const limit = 2 * settings.delayMs + 2;
    const rows = [];
    for (const run of skeins) {
      const who = modeLabel(run.key);
      for (const k of ['pass-through', 'joined']) {
        const x = pick(run, 0, k).rps / pick(hive, 0, k).rps;
        rows.push([`${k} throughput, Skein / peer (0 ms upstreams)`, who, '≥ 3×', `${num(x, 2)}× (${num(pick(run, 0, k).rps)} / ${num(pick(hive, 0, k).rps)} req/s)`, mark(x >= 3)]);
      }
      const slow = pick(run, settings.delayMs, 'joined');
      if (slow) rows.push([`joined p50 with ${settings.delayMs} ms upstreams (critical path ${2 * settings.delayMs} ms)`, who, `≤ ${limit} ms`, `${num(slow.p50)} ms (peer ${num(pick(hive, settings.delayMs, 'joined').p50)} ms)`, mark(slow.p50 <= limit)]);
      const rss = peakOf(run) / peakOf(hive);
      rows.push(['peak RSS under load, Skein / peer (highest of each run)', who, '≤ 0.25×', `${num(rss, 2)}× (${mb(peakOf(run))} / ${mb(peakOf(hive))} MB)`, mark(rss <= 0.25)]);
    }
    const c = ctx.shared.composite;
    if (c?.delay === settings.delayMs) {
      rows.push([
        `joined p50, exact (scenario 2, ${c.connections} connections): joined query / \`hotelOrder\``,
        modeLabel(c.mode),
        `≤ ${limit} ms`,
        `${ms(c.joinedP50)} / ${ms(c.compositeP50)} ms (measured floor ${ms(c.floor)}; hand-written parallel client ${ms(c.parallelP50)})`,
        mark(Math.max(c.joinedP50, c.compositeP50) <= limit),
      ]);
    }
    return `## Targets\n\n${table(['target (a ratio in this run)', 'Skein', 'goal', 'measured', ''], rows, 'lllrl')}\n`;
  };
  return { markdown, headline, raw: { runs: runs.map(({ key, gwCmd, result }) => ({ key, gwCmd, result })) } };
}
