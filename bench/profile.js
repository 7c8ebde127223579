// `node bench/profile.js`: CPU profiles of `skein serve` under the pass-through and the
// joined load (the peer's two queries, bench's own upstreams with no delay), each in a fresh
// gateway started with `node --cpu-prof`. Sums self time by function and by module over the
// measured run only (warm-up and start excluded) and writes bench/PROFILE.md; the raw
// .cpuprofile files stay in bench/.work/profiles/ (open them in Chrome DevTools).
// Knobs: BENCH_DURATION, BENCH_WARMUP, BENCH_PORT_BASE, BENCH_SKEIN_MODE (lib/settings.js); PROFILE_TOP (25).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createContext } from './lib/context.js';
import { summarizeProfile } from './lib/cpu-profile.js';
import { measure } from './lib/load.js';
import { machineInfo, machineLines } from './lib/machine.js';
import { BENCH, SCHEMA, WORK } from './lib/paths.js';
import { gatewayProbe } from './lib/probe.js';
import { stopAll } from './lib/processes.js';
import { ms, num, section, table } from './lib/report.js';
import { defaultMode, modeLabel, PASS_THROUGH, startSkein } from './lib/skein.js';
import { graphqlTarget } from './lib/target.js';
import { startUpstreams } from './lib/upstreams.js';
import { JOINED, JOINED_ANSWER } from './scenarios/composite.js';
import { order } from './upstreams/data.js';

const TOP = Number(process.env.PROFILE_TOP || 25);
const DIR = path.join(WORK, 'profiles');
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function main() {
  const ctx = createContext();
  const { ports, settings } = ctx;
  const machine = machineInfo();
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const loads = [
    { key: 'pass-through', query: PASS_THROUGH, answer: { data: { order: order(1) } } },
    { key: 'joined', query: JOINED, answer: JOINED_ANSWER },
  ];
  const parts = [];
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  try {
    const { mode, dataDir } = await defaultMode(ctx, 'bench', SCHEMA);
    for (const load of loads) {
      const profileDir = path.join(DIR, load.key);
      const gw = await startSkein({
        name: `profile-${load.key}`,
        mode,
        schema: SCHEMA,
        port: ports.gateway,
        dataDir,
        env: upstreams.skeinEnv,
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir],
      });
      let window;
      let result;
      try {
        ctx.log(`profile: ${load.key}, 20 connections`);
        const probe = gatewayProbe(gw.child.pid, upstreams);
        result = await measure(graphqlTarget(load.key, gw.url, load.query, load.answer), {
          connections: 20,
          onMeasure: () => {
            const started = monotonicUs();
            const p = probe();
            return { stop: async () => ((window = [started, monotonicUs()]), p.stop()) };
          },
        });
      } finally {
        await gw.stop();
      }
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`profile: the gateway wrote no .cpuprofile in ${profileDir} (did it exit cleanly?)`);
      writeFileSync(path.join(profileDir, 'window.json'), JSON.stringify({ startUs: window[0], endUs: window[1] }));
      const s = summarizeProfile(path.join(profileDir, file), window);
      const pct = (share) => `${num(share * 100, 1)} %`;
      parts.push(
        section({
          title: `${load.key}: \`${load.query}\``,
          what:
            `${num(result.rps)} req/s, p50 ${ms(result.p50)} ms at 20 connections under the profiler (which slows it). ` +
            `${num(s.totalMs)} ms of samples ${s.windowed ? 'in the measured run' : 'over the whole profile (the window could not be matched)'}; self time, so callers are not counted. ` +
            `Profile: bench/.work/profiles/${load.key}/${file}.`,
          body: [
            table(['layer', 'self ms', 'share'], s.layers.map((m) => [m.name, num(m.ms), pct(m.share)])),
            '',
            table(['module', 'self ms', 'share'], s.modules.slice(0, 15).map((m) => [m.name, num(m.ms), pct(m.share)])),
            '',
            table(['function', 'self ms', 'share'], s.functions.slice(0, TOP).map((f) => [`\`${f.name}\``, num(f.ms), pct(f.share)])),
            '',
            'Inclusive time (the function or what it calls), JavaScript outside Node\'s internals, for where the self time comes from:',
            '',
            table(['function', 'inclusive ms', 'share'], s.inclusive.slice(0, TOP).map((f) => [`\`${f.name}\``, num(f.ms), pct(f.share)])),
          ].join('\n'),
        }),
      );
    }
  } finally {
    await upstreams.stop();
  }
  const page = [
    '# CPU profile of `skein serve`',
    '',
    `Written by \`node bench/profile.js\`. One fresh gateway per load, ${modeLabel(settings.skeinMode)} started with \`node --cpu-prof\`; ` +
      `${settings.duration} s measured after ${settings.warmup} s warm-up, the peer's two queries against bench/upstreams with no delay.`,
    '',
    machineLines(machine),
    '',
    ...parts,
  ].join('\n');
  writeFileSync(path.join(BENCH, 'PROFILE.md'), page);
  console.log(page);
}

main().catch(async (error) => {
  await stopAll();
  console.error(`\nPROFILE FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
