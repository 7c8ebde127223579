// Scenario 7, hostile clients: does /healthz keep answering while a few small requests try
// to stall the gateway? The attack of issue 12 (a 36 KB batch of 10 × 30 aliases of
// `orders(limit: 1000)` joined to users, hotels and rooms, which once kept /healthz from
// answering for 129 s), a list literal nested 2,400 levels deep, and a stream of distinct
// 60 KB documents, each sent in a loop by its own client. Baseline: /healthz latency on the
// same gateway with no attack, measured in the same run.
import http from 'node:http';
import { request } from '../lib/http.js';
import { SCHEMA } from '../lib/paths.js';
import { rssSampler } from '../lib/processes.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { defaultMode, modeLabel, startSkein } from '../lib/skein.js';
import { startUpstreams } from '../lib/upstreams.js';

const ALIASES = Array.from({ length: 30 }, (_, i) => `o${i}: orders(limit: 1000) { user { name } hotel { name } room { type } }`).join(' ');
const ATTACKS = {
  'list sizes (10 × 30 × orders(limit: 1000))': () => JSON.stringify(Array.from({ length: 10 }, () => ({ query: `{ ${ALIASES} }` }))),
  'nested list literal, 2,400 levels': () => JSON.stringify({ query: `{ order(id: ${'['.repeat(2400)}1${']'.repeat(2400)}) { id } }` }),
  'distinct 60 KB documents': (n) => JSON.stringify({ query: `{ order(id: 1) { id } } # ${n} ${'é'.repeat(60_000)}` }),
};

/** Times /healthz `count` times, one after another, on a kept-alive connection. */
async function probeHealth(origin, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http.get(`${origin}/healthz`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1] };
}

export async function hostile(ctx) {
  const { ports, settings } = ctx;
  const probes = settings.quick ? 100 : 600;
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  let idle;
  let attacked;
  const outcomes = {};
  let peakRss = 0;
  try {
    const { mode, dataDir } = await defaultMode(ctx, 'bench', SCHEMA);
    const gw = await startSkein({ name: 'hostile', mode, schema: SCHEMA, port: ports.gateway, dataDir, env: upstreams.skeinEnv });
    const origin = new URL(gw.url).origin;
    try {
      ctx.log(`hostile: /healthz × ${probes}, no attack`);
      idle = await probeHealth(origin, probes);
      const rss = rssSampler(gw.child.pid);
      let running = true;
      const attackers = Object.entries(ATTACKS).map(async ([name, body]) => {
        const seen = (outcomes[name] = { requests: 0, codes: new Map() });
        for (let n = 0; running; n++) {
          const r = await request(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(n) });
          seen.requests++;
          let codes = [`HTTP ${r.status}`];
          try {
            const json = JSON.parse(r.body);
            const found = [...new Set((Array.isArray(json) ? json : [json]).flatMap((one) => (one.errors ?? []).map((e) => e.extensions?.code)))];
            codes = (found.length > 0 ? found : ['answered']).map((c) => `${c} (HTTP ${r.status})`);
          } catch {}
          for (const code of codes) seen.codes.set(code, (seen.codes.get(code) ?? 0) + 1);
        }
      });
      ctx.log(`hostile: /healthz × ${probes}, under attack`);
      attacked = await probeHealth(origin, probes);
      running = false;
      await Promise.all(attackers);
      peakRss = rss.peakMb();
      rss.stop();
    } finally {
      await gw.stop();
    }
  } finally {
    await upstreams.stop();
  }
  const rows = [
    ['no attack (baseline)', ms(idle.p50), ms(idle.p99), ms(idle.max), '1.00×'],
    ['under the three attacks', ms(attacked.p50), ms(attacked.p99), ms(attacked.max), ratio(attacked.p99, idle.p99)],
  ];
  const attackRows = Object.entries(outcomes).map(([name, o]) => [name, num(o.requests), [...o.codes].map(([c, n]) => `${n} × ${c}`).join(', ')]);
  const markdown = section({
    title: '7. Hostile clients: /healthz while small requests try to stall the gateway',
    what: `${probes} sequential GET /healthz on ${modeLabel(settings.skeinMode)}, first alone, then while three clients each send one attack in a loop (issue 12's findings).`,
    baseline: '/healthz on the same gateway with no attack, in the same run.',
    body: [
      table(['/healthz', 'p50 ms', 'p99 ms', 'max ms', 'p99 / baseline'], rows),
      '',
      table(['attack', 'requests', 'answers'], attackRows),
      '',
      `Peak RSS of the gateway under attack: ${mb(peakRss)} MB.`,
    ].join('\n'),
  });
  return { markdown, raw: { idle, attacked, outcomes: Object.fromEntries(Object.entries(outcomes).map(([k, o]) => [k, { requests: o.requests, codes: Object.fromEntries(o.codes) }])), peakRss } };
}
