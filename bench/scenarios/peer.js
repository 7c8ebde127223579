// Side by side with the peer: the peer's own benchmark (GraphQL Mesh v1 served by Hive
// Gateway over its REST and SOAP upstreams) run twice in this run, once as is and once with
// GW_CMD starting `skein serve` on bench/schema, so both gateways answer exactly the same two
// queries, checked by the peer's bench.js, from the same upstreams, with the same load.
// The peer folder is copied to bench/.work/peer (it installs packages and writes beside itself).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA, WORK } from '../lib/paths.js';
import { assertPortFree } from '../lib/processes.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { registryDir, skeinCommand } from '../lib/skein.js';

const PEER = path.join(WORK, 'peer');
const PORT = 4000;

/** Copies the peer (without its node_modules, results and logs) and installs it when needed. */
function preparePeer(ctx) {
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
        DELAYS: `0,${ctx.settings.delayMs}`,
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

export async function peer(ctx) {
  const { settings } = ctx;
  preparePeer(ctx);
  // A registry seeded from bench/schema, as `skein serve` will find it (the peer's compose step, for Skein).
  const dataDir = await ctx.registry('peer', SCHEMA);
  const gwCmd = ['node', ...skeinCommand({ schema: SCHEMA, port: PORT, dataDir })].join(' ');
  const hive = await runPeerBench(ctx, 'Hive Gateway', {});
  const skein = await runPeerBench(ctx, 'Skein', { GW_CMD: gwCmd, GW_LABEL: 'Skein (skein serve)' });

  const rows = [];
  const pick = (run, delay, k) => run.results.find((r) => r.delay === delay && kind(r.scenario) === k);
  for (const delay of hive.DELAYS) {
    for (const k of ['direct', 'pass-through', 'joined']) {
      const p = pick(hive, delay, k);
      const s = pick(skein, delay, k);
      const label = k === 'direct' ? 'direct REST GET /orders/1 (no gateway; noise check between the halves)' : k === 'joined' ? 'joined: `order { id user hotel room }` (3 REST + 1 SOAP)' : 'pass-through: `order { id userId hotelId roomId total }`';
      rows.push([
        delay,
        label,
        num(p.rps),
        num(s.rps),
        `**${ratio(s.rps, p.rps)}**`,
        num(p.p50),
        num(s.p50),
        num(p.p99),
        num(s.p99),
        k === 'direct' ? '—' : mb(p.gwPeakRssMb),
        k === 'direct' ? '—' : mb(s.gwPeakRssMb),
        k === 'direct' ? '—' : `**${ratio(s.gwPeakRssMb, p.gwPeakRssMb)}**`,
        k === 'direct' ? '—' : `${mb(p.gwIdleRssMb)} / ${mb(s.gwIdleRssMb)}`,
        k === 'direct' ? '—' : `${num(p.gwCpuPct)} / ${num(s.gwCpuPct)}`,
        `${num(p.upstreamCallsPerReq, 2)} / ${num(s.upstreamCallsPerReq, 2)}`,
      ]);
    }
  }

  const gw = (run) => run.results.filter((r) => kind(r.scenario) !== 'direct');
  const peakOf = (run) => Math.max(...gw(run).map((r) => r.gwPeakRssMb));
  const tp = (k) => pick(skein, 0, k).rps / pick(hive, 0, k).rps;
  const joinedP50 = pick(skein, settings.delayMs, 'joined').p50;
  const rss = peakOf(skein) / peakOf(hive);
  const markdown = section({
    title: 'Side by side: Skein and the peer (GraphQL Mesh v1 on Hive Gateway 2.15)',
    what:
      `The peer's own bench.js (bench/.work/peer, copied from ${settings.peerDir}), run twice in this run: with Hive Gateway, then with \`GW_CMD='${gwCmd}'\`. ` +
      `Same upstreams (the peer's), same two queries with the same expected JSON checked before and after each load run, one fresh gateway process per row, ` +
      `20 connections, ${settings.peerDuration} s after ${settings.peerWarmup} s warm-up. The peer's bench reports autocannon's whole-ms latencies and the mean of per-second request counts.`,
    baseline: 'the peer, measured in the same run; the direct rows show how much the machine drifted between the two halves.',
    notes: [hive, skein]
      .filter((r) => r.isolated)
      .map((r) => `The ${r === hive ? 'peer' : 'Skein'} half ran in a private network namespace (\`unshare -n\`), because another process held port 4000, 4101 or 4102.`),
    body: table(
      ['delay ms', 'query', 'peer req/s', 'Skein req/s', 'Skein / peer', 'peer p50', 'Skein p50', 'peer p99', 'Skein p99', 'peer peak RSS MB', 'Skein peak RSS MB', 'Skein / peer RSS', 'idle RSS MB peer / Skein', 'gw CPU % peer / Skein', 'upstream calls/req peer / Skein'],
      rows,
    ),
  });
  // The targets, computed once every scenario has run (they also quote scenario 2's figures).
  const headline = () => {
    const mark = (ok) => (ok ? 'met' : '**not met**');
    return `## Targets\n\n${table(
      ['target (ratio in this run)', 'goal', 'measured', ''],
      [
        ['pass-through throughput, Skein / peer (0 ms upstreams)', '≥ 3×', ratio(pick(skein, 0, 'pass-through').rps, pick(hive, 0, 'pass-through').rps), mark(tp('pass-through') >= 3)],
        ['joined throughput, Skein / peer (0 ms upstreams)', '≥ 3×', ratio(pick(skein, 0, 'joined').rps, pick(hive, 0, 'joined').rps), mark(tp('joined') >= 3)],
        [`joined p50 with ${settings.delayMs} ms upstreams, against the ${2 * settings.delayMs} ms critical path`, `≤ ${2 * settings.delayMs + 2} ms`, `${num(joinedP50)} ms (peer ${num(pick(hive, settings.delayMs, 'joined').p50)} ms)`, mark(joinedP50 <= 2 * settings.delayMs + 2)],
        ...(ctx.shared.composite?.delay === settings.delayMs
          ? [
              [
                `the same, exact (scenario 2, 20 connections): joined query / \`hotelOrder\` composite`,
                `≤ ${2 * settings.delayMs + 2} ms`,
                `${ms(ctx.shared.composite.joinedP50)} / ${ms(ctx.shared.composite.compositeP50)} ms (measured floor ${ms(ctx.shared.composite.floor)}, hand-written parallel client ${ms(ctx.shared.composite.parallelP50)})`,
                mark(Math.max(ctx.shared.composite.joinedP50, ctx.shared.composite.compositeP50) <= 2 * settings.delayMs + 2),
              ],
            ]
          : []),
        ['peak RSS under load, Skein / peer (highest of each)', '≤ 0.25×', `${ratio(peakOf(skein), peakOf(hive))} (${mb(peakOf(skein))} / ${mb(peakOf(hive))} MB)`, mark(rss <= 0.25)],
      ],
      'llrl',
    )}\n`;
  };
  return { markdown, headline, raw: { hive, skein, gwCmd } };
}
