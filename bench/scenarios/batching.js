// Scenario 4, batching: 100 orders joined to their users, `{ orders(limit: 100) { id user { name } } }`,
// through bench/schema (Query.user has a batch form, @batch through users(ids:)) and through
// a copy of it without the @batch line (each distinct user fetched on its own; identical
// calls in a request are still made once). Upstream calls per request and latency.
import path from 'node:path';
import { order, user } from '../upstreams/data.js';
import { graphql } from '../lib/http.js';
import { measure } from '../lib/load.js';
import { SCHEMA, WORK } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { copySchema } from '../lib/schema-copy.js';
import { defaultMode, modeLabel, startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';

export const ORDERS = 100;
export const QUERY = `{ orders(limit: ${ORDERS}) { id user { name } } }`;
const ANSWER = { data: { orders: Array.from({ length: ORDERS }, (_, i) => ({ id: i + 1, user: { name: user(order(i + 1).userId).name } })) } };
const BATCH_LINE = '    @batch(query: "users(ids: $id)", key: "id")\n';

/** bench/schema without the batch form of Query.user. */
function schemaWithoutBatch() {
  let removed = 0;
  const dir = copySchema(SCHEMA, path.join(WORK, 'schema-no-batch'), (text) => {
    removed += text.split(BATCH_LINE).length - 1;
    return text.replaceAll(BATCH_LINE, '');
  });
  if (removed !== 1) throw new Error(`batching: expected to remove one @batch line from bench/schema, removed ${removed}`);
  return dir;
}

export async function batching(ctx) {
  const { ports, settings } = ctx;
  const noBatch = schemaWithoutBatch();
  const variants = [
    { key: 'batch', label: 'with @batch (users(ids:))', schema: SCHEMA, port: ports.gateway },
    { key: 'no-batch', label: 'without a batch form', schema: noBatch, port: ports.gateway2 },
  ];
  const points = settings.quick ? [{ delay: 0, connections: 10 }] : [{ delay: 0, connections: 1 }, { delay: 0, connections: 10 }, { delay: settings.delayMs, connections: 10 }];
  const rows = [];
  const raw = [];
  for (const delay of [...new Set(points.map((p) => p.delay))]) {
    const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: delay });
    const gateways = [];
    try {
      for (const v of variants) {
        const { mode, dataDir } = await defaultMode(ctx, v.key === 'batch' ? 'bench' : 'bench-no-batch', v.schema, v.port);
        gateways.push({ ...v, gw: await startSkein({ name: `batching-${v.key}-${delay}ms`, mode, schema: v.schema, port: v.port, dataDir, env: upstreams.skeinEnv }) });
      }
      // Exact calls of one request, on a quiet upstream.
      for (const g of gateways) {
        await upstreams.reset();
        const r = await graphql(g.gw.url, QUERY);
        if (JSON.stringify(r.json) !== JSON.stringify(ANSWER)) throw new Error(`batching (${g.key}): wrong answer ${r.body.slice(0, 500)}`);
        g.oneRequest = await upstreams.stats();
      }
      for (const { connections } of points.filter((p) => p.delay === delay)) {
        const byKey = {};
        for (const g of gateways) {
          ctx.log(`batching: ${delay} ms upstreams, ${connections} connections, ${g.key}`);
          byKey[g.key] = await measure(graphqlTarget(`batching ${g.key}`, g.gw.url, QUERY, ANSWER), {
            connections,
            onMeasure: gatewayProbe(g.gw.child.pid, upstreams),
          });
          raw.push({ delay, connections, variant: g.key, oneRequest: g.oneRequest, ...byKey[g.key] });
        }
        for (const g of gateways) {
          const m = byKey[g.key];
          const routes = Object.entries(g.oneRequest.routes).map(([route, n]) => `${n} × ${route}`).join(', ');
          rows.push([g.label, delay, connections, `${g.oneRequest.total} (${routes})`, num(m.rps), ratio(m.rps, byKey['no-batch'].rps), ms(m.p50), ms(m.p99), ratio(m.p50, byKey['no-batch'].p50), num(m.cpuPct), mb(m.peakRssMb)]);
        }
      }
    } finally {
      for (const g of gateways) await g.gw.stop();
      await upstreams.stop();
    }
  }
  const markdown = section({
    title: `4. Batching: ${ORDERS} orders joined to their users`,
    what: `\`${QUERY}\`: one call for the page of orders, then ${ORDERS} \`Order.user\` joins (all distinct users). With the batch form they become ceil(${ORDERS} / maxBatchSize) calls of \`GET /users?ids=…\` (maxBatchSize defaults to 100); without it, one \`GET /users/{id}\` each. Skein runs as ${modeLabel(settings.skeinMode)}.`,
    baseline: 'the same gateway and schema without the `@batch` line (bench/.work/schema-no-batch), in the same run; ratios are against it.',
    body: table(['Query.user', 'upstream delay ms', 'connections', 'upstream calls for one request', 'req/s', 'req/s vs no batch', 'p50 ms', 'p99 ms', 'p50 vs no batch', 'gw CPU %', 'gw peak RSS MB'], rows),
  });
  return { markdown, raw };
}
