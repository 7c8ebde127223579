// The bench's knobs, all from the environment:
//   BENCH_QUICK=1        a smoke run of about 2.5 minutes: 1 s runs, 1 s warm-up, fewer points
//   BENCH_DURATION=s     measured seconds per load run (default 5; quick 1)
//   BENCH_WARMUP=s       warm-up seconds before each measured run (default 2; quick 1)
//   BENCH_ONLY=a,b       scenarios to run, of: peer,overhead,composite,soap,batching,scale,hostile,auth,cache,graphql,sync,tracing
//   BENCH_SYNC_DATABASE_URL  the sync scenario also runs on this PostgreSQL (pg-boss)
//   BENCH_SKEIN_MODE     how scenarios 1–4 start Skein: registry (`skein serve`, default) or
//                        no-registry (`skein serve --no-registry`); the peer comparison and
//                        scenario 5 measure both
//   BENCH_DELAY_MS=ms    upstream delay of the composite scenario (default 20)
//   BENCH_PORT_BASE=n    ports of Skein's own scenarios: n (gateway), n+1 (REST), n+2 (SOAP),
//                        n+3 and n+5 (hand-written clients), n+4 (second gateway), n+6 (JWKS of the auth scenario); default 4300. The peer
//                        scenario always uses 4000, 4101 and 4102, as the peer's bench does.
//   BENCH_PEER_DIR=dir   the peer benchmark to copy (default /work/shared/peer)
//   BENCH_PEER_DURATION, BENCH_PEER_WARMUP   the peer bench's DURATION and WARMUP (default 6 and 3; quick 1 and 1)
//   BENCH_INSTRUCTIONS=0 skip the instruction counts under valgrind's callgrind (scenario 12; about 6 minutes)
//   BENCH_OUT=file       where to write the table (default bench/RESULTS.md; quick runs: bench/.work/RESULTS-quick.md)
import path from 'node:path';
import { BENCH, WORK } from './paths.js';

const env = process.env;
const quick = env.BENCH_QUICK === '1';
const num = (name, fallback) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
// The peer comparison first: it is the headline, and the machine is often quietest at the start.
const ALL = ['peer', 'overhead', 'composite', 'soap', 'batching', 'scale', 'hostile', 'auth', 'cache', 'graphql', 'sync', 'tracing'];

export const settings = {
  quick,
  duration: num('BENCH_DURATION', quick ? 1 : 5),
  warmup: num('BENCH_WARMUP', quick ? 1 : 2),
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : ALL,
  delayMs: num('BENCH_DELAY_MS', 20),
  skeinMode: env.BENCH_SKEIN_MODE || 'registry',
  portBase: num('BENCH_PORT_BASE', 4300),
  peerDir: env.BENCH_PEER_DIR || '/work/shared/peer',
  peerDuration: num('BENCH_PEER_DURATION', quick ? 1 : 6),
  peerWarmup: num('BENCH_PEER_WARMUP', quick ? 1 : 3),
  out: env.BENCH_OUT ? path.resolve(env.BENCH_OUT) : quick ? path.join(WORK, 'RESULTS-quick.md') : path.join(BENCH, 'RESULTS.md'),
};

if (!['registry', 'no-registry'].includes(settings.skeinMode)) throw new Error(`BENCH_SKEIN_MODE must be registry or no-registry, not "${settings.skeinMode}"`);
for (const name of settings.only) {
  if (!ALL.includes(name)) throw new Error(`BENCH_ONLY: unknown scenario "${name}"; expected some of ${ALL.join(', ')}`);
}

export const ports = {
  gateway: settings.portBase,
  rest: settings.portBase + 1,
  soap: settings.portBase + 2,
  client: settings.portBase + 3,
  gateway2: settings.portBase + 4,
  client2: settings.portBase + 5,
};
