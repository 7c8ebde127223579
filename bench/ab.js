// An A/B of the gateway's CPU time per request on the pass-through query: two gateways run
// side by side (two variants, or two builds of Skein), and measured windows alternate
// between them, so both meet the same machine load. Each round starts a fresh pair (what
// the JIT makes of a start varies from one start to the next), warms both, then measures
// `WINDOWS` pairs of windows, alternating which goes first. It prints each pair's ratio and
// the median of all (B / A): the gateway's whole process, and its main thread alone.
//
//   node bench/ab.js                                   # off against JWT + tracing on
//   AB_VARIANTS=on,none node bench/ab.js                # sampling all against sampling none
//   AB_VARIANTS=on,on AB_BIN_A=/tmp/old/bin/skein.js node bench/ab.js   # a change, against an older build
//
// Knobs: AB_VARIANTS (off, on, none, jwt; default off,on), AB_BIN_A / AB_BIN_B (another
// checkout's bin/skein.js, built), AB_ROUNDS (4), AB_WINDOWS (3), AB_SECONDS (3 per window),
// AB_PORT_BASE (4520). It finds a few-percent difference that the instruction count of
// scenario 12 does not see (one that comes from how V8 optimises code shared with the
// gateway's server path); the scenario's rounds are what RESULTS.md reports.
import http from 'node:http';
import { SignJWT } from 'jose';
import { graphql } from './lib/http.js';
import { measure } from './lib/load.js';
import { SCHEMA } from './lib/paths.js';
import { cpuSeconds, start, stop, waitUntil } from './lib/processes.js';
import { PASS_THROUGH, skeinCommand } from './lib/skein.js';
import { graphqlTarget } from './lib/target.js';
import { startUpstreams } from './lib/upstreams.js';
import { order } from './upstreams/data.js';

const env = process.env;
const rounds = Number(env.AB_ROUNDS ?? 4);
const windows = Number(env.AB_WINDOWS ?? 3);
const seconds = Number(env.AB_SECONDS ?? 3);
const portBase = Number(env.AB_PORT_BASE ?? 4520);
const [nameA, nameB] = (env.AB_VARIANTS ?? 'off,on').split(',');
const SECRET = 'bench-secret-of-at-least-thirty-two-bytes';

const upstreams = await startUpstreams({ restPort: portBase, soapPort: portBase + 1, delayMs: 0 });
// The collector: takes every export and answers at once, as scenario 12's.
const exports = {};
const collector = http.createServer((req, res) => {
  exports[req.url] = (exports[req.url] ?? 0) + 1;
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${collector.address().port}`;
const token = await new SignJWT({ scope: 'orders:read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bench').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
const tracing = { SKEIN_JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'skein-bench' };
const VARIANTS = {
  off: { env: {} },
  jwt: { env: { SKEIN_JWT_SECRET: SECRET }, token },
  on: { env: tracing, token },
  none: { env: { ...tracing, OTEL_TRACES_SAMPLER: 'always_off' }, token },
};
const sides = [
  { label: `A (${nameA}${env.AB_BIN_A ? `, ${env.AB_BIN_A}` : ''})`, variant: variantNamed(nameA), bin: env.AB_BIN_A, port: portBase + 2 },
  { label: `B (${nameB}${env.AB_BIN_B ? `, ${env.AB_BIN_B}` : ''})`, variant: variantNamed(nameB), bin: env.AB_BIN_B, port: portBase + 3 },
];

function variantNamed(name) {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`AB_VARIANTS names "${name}"; the variants are ${Object.keys(VARIANTS).join(', ')}`);
  return variant;
}

/** CPU seconds the process has used: all its threads, and its main thread (where requests are served). */
function cpuOf(pid) {
  return { all: cpuSeconds(pid), main: cpuSeconds(pid, pid) };
}

async function startSide(side, round) {
  const command = skeinCommand({ mode: 'no-registry', schema: SCHEMA, port: side.port });
  if (side.bin) command[0] = side.bin;
  // Each side exports to a path of its own, so the collector's counts tell them apart.
  const own = side.variant.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/${side === sides[0] ? 'a' : 'b'}` } : {};
  const child = start(`ab-${side === sides[0] ? 'a' : 'b'}-${round}`, process.execPath, command, { env: { ...upstreams.skeinEnv, ...side.variant.env, ...own } });
  const url = `http://127.0.0.1:${side.port}/graphql`;
  await waitUntil(child, side.label, async () => {
    const answer = await graphql(url, PASS_THROUGH);
    return answer.status === 200 && answer.json?.data && !answer.json.errors;
  });
  const target = graphqlTarget(side.label, url, PASS_THROUGH, { data: { order: order(1) } });
  if (side.variant.token) target.headers = { ...target.headers, authorization: `Bearer ${side.variant.token}` };
  return { child, target };
}

async function cpuPerRequest({ child, target }, duration, warmup) {
  let before;
  const m = await measure(target, {
    connections: 20,
    duration,
    warmup,
    onMeasure: () => {
      before = cpuOf(child.pid);
      return { stop: async () => ({ cpu: cpuOf(child.pid) }) };
    },
  });
  return { all: ((m.cpu.all - before.all) / m.requests) * 1e6, main: ((m.cpu.main - before.main) / m.requests) * 1e6 };
}

const ratios = { all: [], main: [] };
try {
  for (let round = 0; round < rounds; round++) {
    const running = [];
    try {
      for (const side of sides) running.push(await startSide(side, round));
      // Both warmed before any window counts: the first window would otherwise meet a JIT still at work.
      for (const gateway of running) await cpuPerRequest(gateway, 4, 0);
      for (let w = 0; w < windows; w++) {
        const sequence = w % 2 ? [1, 0] : [0, 1];
        const cpu = [];
        for (const i of sequence) cpu[i] = await cpuPerRequest(running[i], seconds, 1);
        ratios.all.push(cpu[1].all / cpu[0].all);
        ratios.main.push(cpu[1].main / cpu[0].main);
        console.log(
          `round ${round + 1} window ${w + 1}: A ${cpu[0].all.toFixed(0)} µs/request (main thread ${cpu[0].main.toFixed(0)}), ` +
            `B ${cpu[1].all.toFixed(0)} (${cpu[1].main.toFixed(0)}): B/A ${(cpu[1].all / cpu[0].all).toFixed(3)} (${(cpu[1].main / cpu[0].main).toFixed(3)})`,
        );
      }
    } finally {
      for (const { child } of running) await stop(child);
    }
  }
} finally {
  await new Promise((resolve) => collector.close(resolve));
  await upstreams.stop();
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
console.log(`\nA = ${sides[0].label}, B = ${sides[1].label}`);
console.log(`median B/A of ${ratios.all.length} window pairs: ${median(ratios.all).toFixed(3)} (main thread ${median(ratios.main).toFixed(3)})`);
console.log(`every pair: ${ratios.all.map((r) => r.toFixed(2)).join(' ')}`);
if (Object.keys(exports).length > 0) console.log(`exports received: ${JSON.stringify(exports)}`);
