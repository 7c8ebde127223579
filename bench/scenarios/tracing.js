// Scenario 9, tracing: the pass-through query through Skein with JWT verification and
// OpenTelemetry tracing both on (spans exported over OTLP/HTTP, protobuf, to a receiver
// this process runs, as a local collector would be), beside the same gateway with both
// off, in the same run. The cost is the gateway's CPU per request; the quality bar is
// within 25 % of off.
import http from 'node:http';
import { SignJWT } from 'jose';
import { measure } from '../lib/load.js';
import { SCHEMA } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { ms, num, section, table } from '../lib/report.js';
import { PASS_THROUGH, startSkein } from '../lib/skein.js';
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
    { label: 'JWT HS256 and tracing on (OTLP/HTTP)', env: { SKEIN_JWT_SECRET: SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'skein-bench' }, token },
  ];
  const rows = [];
  const raw = [];
  let offCpu;
  try {
    for (const variant of variants) {
      const before = { ...received };
      const gw = await startSkein({ name: `tracing-${raw.length}`, mode: 'no-registry', schema: SCHEMA, port: ports.gateway, env: { ...upstreams.skeinEnv, ...variant.env } });
      try {
        const target = graphqlTarget(`Skein ${variant.label}`, gw.url, PASS_THROUGH, { data: { order: order(1) } });
        if (variant.token) target.headers = { ...target.headers, authorization: `Bearer ${variant.token}` };
        ctx.log(`tracing: ${variant.label}`);
        const m = await measure(target, { connections, onMeasure: gatewayProbe(gw.child.pid, upstreams) });
        const cpuUs = (m.cpuPct / 100 / m.rps) * 1e6;
        offCpu ??= cpuUs;
        raw.push({ variant: variant.label, ...m, cpuUsPerRequest: cpuUs });
        rows.push([variant.label, num(m.rps), ms(m.p50), ms(m.p99), num(m.cpuPct), num(cpuUs), `${(cpuUs / offCpu).toFixed(2)} ×`]);
      } finally {
        // Shutdown flushes what is queued: the export counts include the last spans.
        await gw.stop();
      }
      raw[raw.length - 1].exports = received.exports - before.exports;
      raw[raw.length - 1].exportedBytes = received.bytes - before.bytes;
    }
  } finally {
    await new Promise((resolve) => collector.close(resolve));
    await upstreams.stop();
  }
  const on = raw[1];
  const ratio = on.cpuUsPerRequest / raw[0].cpuUsPerRequest;
  const markdown = section({
    title: '12. Tracing: JWT and OpenTelemetry on the pass-through path',
    what: `\`${PASS_THROUGH}\` through \`skein serve --no-registry\` at ${connections} connections. On: every request with a bearer token (HS256), and two spans per request (the request, named after its operation, and the upstream call) exported over OTLP/HTTP (protobuf) to a receiver in the bench process. ${settings.duration} s measured after ${settings.warmup} s warm-up per row.`,
    baseline: 'the same gateway and query with JWT and tracing off, in the same run.',
    body: table(['variant', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU %', 'gw CPU µs/request', 'CPU vs off'], rows),
    notes: [
      `CPU per request with both on is ${ratio.toFixed(2)} × that with both off (quality bar: at most 1.25 ×). The receiver took ${on.exports} exports, ${num(on.exportedBytes / 1024)} KiB, from the gateway with tracing on; ${raw[0].exports} from the one with it off.`,
    ],
  });
  ctx.log(`tracing: CPU per request on / off = ${ratio.toFixed(3)}`);
  return { markdown, raw, headline: `Tracing and JWT on: ${ratio.toFixed(2)} × the pass-through CPU per request with both off (bar 1.25 ×).` };
}
