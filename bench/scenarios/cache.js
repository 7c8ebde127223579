// Scenario 9, response caching: the hotelOrder composite answered from the cache (every
// request a hit) beside the same composite uncached, in the same run, on the same schema
// (hotelOrder with `@cacheControl(maxAge: 300)`): only `--cache` differs. The figure is the
// gateway's CPU per request; the quality bar is a hit at most a fifth of an uncached answer.
import path from 'node:path';
import { measure } from '../lib/load.js';
import { SCHEMA, WORK } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { num, ms, ratio, section, table } from '../lib/report.js';
import { copySchema } from '../lib/schema-copy.js';
import { startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';
import { HOTEL_ORDER, HOTEL_ORDER_ANSWER } from './composite.js';

export async function cache(ctx) {
  const { ports, settings } = ctx;
  const connections = 20;
  // Upstreams answer at once: the gateway's CPU, not the upstreams' delay, is what is compared.
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  const schema = copySchema(SCHEMA, path.join(WORK, 'schema-cache'), (text, name) =>
    name === 'hotelOrder.graphql' ? text.replace(/(query hotelOrder\([^)]*\))/, '$1 @cacheControl(maxAge: 300)') : text,
  );
  const variants = [
    { key: 'uncached', label: '`hotelOrder`, cache off (4 upstream calls)', env: {} },
    { key: 'hit', label: '`hotelOrder`, `--cache`: every request a hit', env: { SKEIN_CACHE: 'on' } },
  ];
  const rows = [];
  const raw = [];
  const byKey = {};
  try {
    for (const variant of variants) {
      const gw = await startSkein({ name: `cache-${variant.key}`, mode: 'no-registry', schema, port: ports.gateway, env: { ...upstreams.skeinEnv, ...variant.env } });
      try {
        ctx.log(`cache: ${variant.key}`);
        const m = await measure(graphqlTarget(`Skein ${variant.key}`, gw.url, HOTEL_ORDER, HOTEL_ORDER_ANSWER), {
          connections,
          onMeasure: gatewayProbe(gw.child.pid, upstreams),
        });
        const cpuUs = (m.cpuPct / 100 / m.rps) * 1e6;
        byKey[variant.key] = { ...m, cpuUs };
        raw.push({ variant: variant.key, ...m, cpuUsPerRequest: cpuUs });
        rows.push([
          variant.label,
          num(m.rps),
          ms(m.p50),
          ms(m.p99),
          num(m.cpuPct),
          num(cpuUs),
          num(m.upstreamCalls / m.requests, 3),
          ratio(cpuUs, byKey.uncached.cpuUs),
        ]);
      } finally {
        await gw.stop();
      }
    }
  } finally {
    await upstreams.stop();
  }
  const hitShare = byKey.hit.cpuUs / byKey.uncached.cpuUs;
  ctx.log(`cache: a hit costs ${num(hitShare, 3)} of an uncached hotelOrder in gateway CPU (bar: at most 0.2)`);
  const markdown = section({
    title: '9. Response caching: a cached hotelOrder against the same composite uncached',
    what:
      `\`${HOTEL_ORDER}\` through \`skein serve --no-registry\` at ${connections} connections, upstreams answering at once, ` +
      `the composite declared \`@cacheControl(maxAge: 300)\`. ${settings.duration} s measured after ${settings.warmup} s warm-up per row.`,
    baseline: 'the same gateway, schema and query with the cache off, in the same run.',
    body: table(['variant', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU %', 'gw CPU µs/request', 'upstream calls/req', 'CPU vs uncached'], rows),
    notes: [
      `A hit costs **${num(hitShare, 3)}×** the gateway CPU of an uncached answer (quality bar: at most 0.2×). It is still parsed and validated (from the document cache) and goes through every plugin before the cache (token, rate limit, cost); it runs no resolver and calls no upstream.`,
    ],
  });
  return { markdown, raw, headline: `- Response cache: a cached \`hotelOrder\` costs ${num(hitShare, 3)}× the gateway CPU of an uncached one (bar: ≤ 0.2×).` };
}
