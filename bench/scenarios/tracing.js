// Scenario 12, tracing: the pass-through query through Skein with JWT verification and
// OpenTelemetry tracing both on (spans exported over OTLP/HTTP, protobuf, to a receiver
// this process runs, as a local collector would be), beside the same gateway with both
// off, and with tracing on sampling a tenth of the requests and none, in the same run. The
// cost is the gateway's CPU per request; the quality bar is within 25 % of off.
import http from 'node:http';
import { SignJWT } from 'jose';
import { callgrindAvailable, instructionsPerRequest } from '../lib/instructions.js';
import { measure } from '../lib/load.js';
import { SCHEMA } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { ms, num, section, table } from '../lib/report.js';
import { PASS_THROUGH, skeinCommand, startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';
import { order } from '../upstreams/data.js';

const SECRET = 'bench-secret-of-at-least-thirty-two-bytes';

export async function tracing(ctx) {
  const { ports, settings } = ctx;
  const connections = 20;
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  // The collector: takes every export, counts requests and bytes, answers at once.
  const received = { exports: 0, bytes: 0 };
  const collector = http.createServer((req, res) => {
    req.on('data', (chunk) => void (received.bytes += chunk.length));
    req.on('end', () => {
      received.exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${collector.address().port}`;
  const token = await new SignJWT({ scope: 'orders:read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bench').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
  const variants = [
    { label: 'JWT and tracing off', env: {}, token: undefined },
    { label: 'JWT HS256 and tracing on (OTLP/HTTP), every request sampled', env: { SKEIN_JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'skein-bench' }, token },
    {
      // What the README tells a busy gateway to run: a tenth of the traces recorded.
      label: 'JWT HS256 and tracing on, 10 % of requests sampled',
      env: {
        SKEIN_JWT_SECRET: SECRET,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: 'skein-bench',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      },
      token,
    },
    {
      label: 'JWT HS256 and tracing on, sampler always_off',
      env: { SKEIN_JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'skein-bench', OTEL_TRACES_SAMPLER: 'always_off' },
      token,
    },
  ];
  // Rounds alternate the variants, each in a fresh gateway, and the table gives each one's
  // median: on a shared machine the load drifts within a run, and a single pair of rows
  // measured a minute apart differs by more than the cost being measured. Five, not three:
  // the same pair of builds, started afresh, differs by up to 0.2 in the ratio from one
  // start to the next (what the JIT makes of each), more than the margin to the bar.
  const rounds = settings.quick ? 1 : 5;
  const runs = variants.map(() => []);
  const exports = variants.map(() => ({ exports: 0, bytes: 0 }));
  // Instructions per request under callgrind (lib/instructions.js): the figure that does not
  // move with the machine's load. Off in quick runs and with BENCH_INSTRUCTIONS=0; it takes
  // about two minutes a variant.
  const countInstructions = !settings.quick && process.env.BENCH_INSTRUCTIONS !== '0' && callgrindAvailable();
  const instructions = [];
  const envOf = (variant) => ({ ...upstreams.skeinEnv, ...variant.env });
  const targetOf = (variant, url) => {
    const target = graphqlTarget(`Skein ${variant.label}`, url, PASS_THROUGH, { data: { order: order(1) } });
    if (variant.token) target.headers = { ...target.headers, authorization: `Bearer ${variant.token}` };
    return target;
  };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, variant] of variants.entries()) {
        const before = { ...received };
        const gw = await startSkein({ name: `tracing-${i}-${round}`, mode: 'no-registry', schema: SCHEMA, port: ports.gateway, env: envOf(variant) });
        try {
          const target = targetOf(variant, gw.url);
          ctx.log(`tracing: ${variant.label}, round ${round + 1} of ${rounds}`);
          const m = await measure(target, { connections, onMeasure: gatewayProbe(gw.child.pid, upstreams) });
          runs[i].push({ ...m, cpuUsPerRequest: (m.cpuPct / 100 / m.rps) * 1e6 });
        } finally {
          // Shutdown flushes what is queued: the export counts include the last spans.
          await gw.stop();
        }
        exports[i].exports += received.exports - before.exports;
        exports[i].bytes += received.bytes - before.bytes;
      }
    }
    for (const [i, variant] of countInstructions ? variants.entries() : []) {
      ctx.log(`tracing: ${variant.label}, instructions per request under callgrind`);
      const command = skeinCommand({ mode: 'no-registry', schema: SCHEMA, port: ports.gateway });
      const target = targetOf(variant, `http://127.0.0.1:${ports.gateway}/graphql`);
      instructions[i] = await instructionsPerRequest({ name: `tracing-${i}`, command, env: envOf(variant), port: ports.gateway, target });
    }
  } finally {
    await new Promise((resolve) => collector.close(resolve));
    await upstreams.stop();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medians = runs.map((list) => ({
    rps: median(list.map((m) => m.rps)),
    p50: median(list.map((m) => m.p50)),
    p99: median(list.map((m) => m.p99)),
    cpuPct: median(list.map((m) => m.cpuPct)),
    cpuUsPerRequest: median(list.map((m) => m.cpuUsPerRequest)),
  }));
  const off = medians[0].cpuUsPerRequest;
  const counted = instructions.length === variants.length;
  const rows = variants.map((variant, i) => {
    const m = medians[i];
    const row = [variant.label, num(m.rps), ms(m.p50), ms(m.p99), num(m.cpuPct), num(m.cpuUsPerRequest), `${(m.cpuUsPerRequest / off).toFixed(2)} ×`];
    return counted ? [...row, num(instructions[i] / 1000), `${(instructions[i] / instructions[0]).toFixed(2)} ×`] : row;
  });
  const columns = ['variant', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU %', 'gw CPU µs/request', 'CPU vs off'];
  const raw = variants.map((variant, i) => ({ variant: variant.label, runs: runs[i], median: medians[i], instructionsPerRequest: instructions[i], ...exports[i] }));
  const ratio = medians[1].cpuUsPerRequest / off;
  const perRound = runs[1].map((m, round) => (m.cpuUsPerRequest / runs[0][round].cpuUsPerRequest).toFixed(2)).join(', ');
  const markdown = section({
    title: '12. Tracing: JWT and OpenTelemetry on the pass-through path',
    what: `\`${PASS_THROUGH}\` through \`skein serve --no-registry\` at ${connections} connections. On: every request with a bearer token (HS256), and two spans per request (the request, named after its operation, and the upstream call) exported over OTLP/HTTP (protobuf) to a receiver in the bench process. ${rounds} round${rounds > 1 ? "s" : ""}, the variants alternating, each a fresh gateway with ${settings.duration} s measured after ${settings.warmup} s warm-up; the table gives medians.`,
    baseline: 'the same gateway and query with JWT and tracing off, in the same run.',
    body: table(counted ? [...columns, 'main-thread k instructions/request', 'instructions vs off'] : columns, rows),
    notes: [
      counted
        ? `Instructions per request: each variant once more, a fresh gateway under valgrind's callgrind, the main thread's instructions (where requests are served; V8's compiler and GC helper threads left out) counted over 8,000 requests (4 at a time) after 8,000 uncounted ones (lib/instructions.js). Unlike CPU time, which moves by 20 % and more between runs of the same code on this machine, the count moves by a few percent between runs made alone: with both on, ${(instructions[1] / instructions[0]).toFixed(2)} × the instructions of off; sampling 10 %, ${(instructions[2] / instructions[0]).toFixed(2)} ×; sampling none, ${(instructions[3] / instructions[0]).toFixed(2)} ×.`
        : 'Instructions per request were not counted (quick run, BENCH_INSTRUCTIONS=0, or no valgrind).',
      `CPU per request with both on is ${ratio.toFixed(2)} × that with both off (quality bar: at most 1.25 ×); round by round: ${perRound}. Sampling 10 %: ${(medians[2].cpuUsPerRequest / off).toFixed(2)} ×. The receiver took ${exports[1].exports} exports, ${num(exports[1].bytes / 1024)} KiB, from the gateways with every request sampled; ${exports[2].exports} (${num(exports[2].bytes / 1024)} KiB) from those sampling 10 %; ${exports[3].exports} from those sampling none, ${exports[0].exports} from those with tracing off.`,
    ],
  });
  ctx.log(`tracing: CPU per request on / off = ${ratio.toFixed(3)}`);
  const instructionsNote = counted ? `, ${(instructions[1] / instructions[0]).toFixed(2)} × its instructions` : '';
  return { markdown, raw, headline: `Tracing and JWT on: ${ratio.toFixed(2)} × the pass-through CPU per request with both off${instructionsNote} (bar 1.25 ×).` };
}
