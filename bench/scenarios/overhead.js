// Scenario 1, overhead: one REST field through Skein against the same upstream call made
// directly, at 1, 20 and 100 connections, upstreams answering at once.
import { isDeepStrictEqual } from 'node:util';
import { order } from '../upstreams/data.js';
import { measure } from '../lib/load.js';
import { gatewayProbe } from '../lib/probe.js';
import { mb, ms, num, plus, ratio, section, table } from '../lib/report.js';
import { defaultMode, modeLabel, PASS_THROUGH, startSkein } from '../lib/skein.js';
import { SCHEMA } from '../lib/paths.js';
import { graphqlTarget, httpTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';

export const CONNECTIONS = [1, 20, 100];

export async function overhead(ctx) {
  const { ports, settings } = ctx;
  const connections = settings.quick ? [20] : CONNECTIONS;
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  const rows = [];
  const raw = [];
  try {
    const { mode, dataDir } = await defaultMode(ctx, 'bench', SCHEMA);
    const gw = await startSkein({ name: 'overhead', mode, schema: SCHEMA, port: ports.gateway, dataDir, env: upstreams.skeinEnv });
    try {
      const direct = httpTarget('direct GET /orders/1', `${upstreams.restUrl}/orders/1`, {
        valid: (body) => isDeepStrictEqual(JSON.parse(body), order(1)),
        expectation: JSON.stringify(order(1)),
      });
      const viaSkein = graphqlTarget('Skein order(id: 1)', gw.url, PASS_THROUGH, { data: { order: order(1) } });
      for (const c of connections) {
        ctx.log(`overhead: ${c} connections, direct`);
        const d = await measure(direct, { connections: c });
        ctx.log(`overhead: ${c} connections, through Skein`);
        const s = await measure(viaSkein, { connections: c, onMeasure: gatewayProbe(gw.child.pid, upstreams) });
        raw.push({ connections: c, direct: d, skein: s });
        rows.push([
          c,
          num(d.rps),
          num(s.rps),
          ratio(s.rps, d.rps),
          ms(d.p50),
          ms(s.p50),
          plus(s.p50, d.p50),
          ms(d.p99),
          ms(s.p99),
          plus(s.p99, d.p99),
          num(s.cpuPct),
          mb(s.peakRssMb),
          num(s.upstreamCalls / s.requests, 2),
        ]);
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await upstreams.stop();
  }
  const markdown = section({
    title: '1. Overhead: one REST field',
    what: `\`${PASS_THROUGH}\` through ${modeLabel(settings.skeinMode)} against \`GET /orders/1\` sent straight to the same REST upstream (no delay). ${settings.duration} s measured after ${settings.warmup} s warm-up per row, direct and Skein alternating.`,
    baseline: 'the upstream called directly, in the same run, at the same number of connections.',
    body: table(
      ['connections', 'direct req/s', 'Skein req/s', 'Skein / direct', 'direct p50 ms', 'Skein p50 ms', 'p50 added', 'direct p99 ms', 'Skein p99 ms', 'p99 added', 'gw CPU %', 'gw peak RSS MB', 'upstream calls/req'],
      rows,
    ),
    notes: ['Latencies are exact (each response timed with hrtime), not autocannon\'s whole-ms histogram.'],
  });
  return { markdown, raw };
}
