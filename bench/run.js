// `npm run bench`: Skein's benchmark suite. Starts its own upstreams on loopback, runs each
// scenario against a baseline measured in the same run, and writes bench/RESULTS.md (and
// prints it). See bench/README.md for the scenarios and the knobs (lib/settings.js).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from './lib/context.js';
import { machineInfo, machineLines } from './lib/machine.js';
import { WORK } from './lib/paths.js';
import { stopAll } from './lib/processes.js';
import { settings } from './lib/settings.js';
import { batching } from './scenarios/batching.js';
import { hostile } from './scenarios/hostile.js';
import { composite } from './scenarios/composite.js';
import { overhead } from './scenarios/overhead.js';
import { auth } from './scenarios/auth.js';
import { peer } from './scenarios/peer.js';
import { scale } from './scenarios/scale.js';
import { soap } from './scenarios/soap.js';
import { cache } from './scenarios/cache.js';
import { graphql } from './scenarios/graphql.js';
import { sync } from './scenarios/sync.js';
import { tracing } from './scenarios/tracing.js';

const SCENARIOS = { overhead, composite, soap, batching, scale, peer, hostile, auth, cache, graphql, sync, tracing };

async function main() {
  const machine = machineInfo();
  const ctx = createContext();
  const t0 = performance.now();
  ctx.log(`load average ${machine.loadAvg.map((l) => l.toFixed(2)).join(' ')}; scenarios: ${settings.only.join(', ')}`);
  const parts = [];
  const headlines = [];
  const raw = {};
  for (const name of settings.only) {
    ctx.log(`=== ${name}`);
    let result;
    try {
      result = await SCENARIOS[name](ctx);
    } catch (error) {
      // Keep what was measured before the failure, away from RESULTS.md.
      const partial = path.join(WORK, 'RESULTS-failed.md');
      mkdirSync(WORK, { recursive: true });
      writeFileSync(partial, [`# Failed in scenario ${name}`, '', '```', String(error.stack ?? error), '```', '', ...parts].join('\n'));
      ctx.log(`what was measured before the failure: ${path.relative(process.cwd(), partial)}`);
      throw error;
    }
    parts.push(result.markdown);
    if (result.headline) headlines.push(result.headline);
    raw[name] = result.raw;
  }
  const minutes = (performance.now() - t0) / 60_000;
  const page = [
    '# Skein benchmark results',
    '',
    `Written by \`npm run bench\`${settings.quick ? ' (BENCH_QUICK=1: a smoke run, not figures to quote)' : ''} in ${minutes.toFixed(1)} min. ` +
      'Every figure sits next to a baseline measured in the same run on the same machine; compare ratios, not absolute numbers, across runs.',
    '',
    machineLines(machine, os.loadavg()),
    '',
    ...headlines.map((h) => (typeof h === 'function' ? h() : h)),
    ...parts,
    // The before/after log of optimisations is kept by hand beside this script.
    readFileSync(new URL('./OPTIMISATIONS.md', import.meta.url), 'utf8'),
  ].join('\n');
  mkdirSync(path.dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, page);
  mkdirSync(path.join(WORK, 'results'), { recursive: true });
  writeFileSync(path.join(WORK, 'results', `bench-${machine.date.replace(/[:.]/g, '-')}.json`), JSON.stringify({ machine, settings, raw }, null, 2));
  console.log(page);
  ctx.log(`wrote ${path.relative(process.cwd(), settings.out)}`);
}

const interrupt = async () => {
  await stopAll();
  process.exit(130);
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

main().catch(async (error) => {
  await stopAll();
  console.error(`\nBENCH FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
