// Scenario 9, GraphQL sources: two Apollo Federation subgraphs (bench/upstreams/subgraphs.js)
// behind Skein and behind Hive Gateway, in the same run, with the same load:
//   pass-through: { listing(hotelId: "1") { hotelId title pricePerNight } }   1 subgraph call
//   entity join:  { listings(first: 5) { hotelId title reviews { id rating } averageRating } }
//                 listings, then one _entities call to reviews for the five listings
// Skein serves what `skein import graphql` writes from the running subgraphs; Hive Gateway
// serves the supergraph that @theguild/federation-composition (Hive's composition) makes of
// the same subgraphs. The peer's packages are installed in bench/.work/peer by the peer
// scenario's preparePeer (never in the repository).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from '../lib/http.js';
import { measure } from '../lib/load.js';
import { BENCH, SKEIN_BIN, WORK } from '../lib/paths.js';
import { assertPortFree, start, stop, waitUntil } from '../lib/processes.js';
import { gatewayProbe } from '../lib/probe.js';
import { mb, ms, num, ratio, section, table } from '../lib/report.js';
import { startSkein } from '../lib/skein.js';
import { graphqlTarget } from '../lib/target.js';
import { listing, reviewsOf } from '../upstreams/subgraphs.js';
import { preparePeer, PEER } from './peer.js';

const PASS = '{ listing(hotelId: "1") { hotelId title pricePerNight } }';
const JOIN = '{ listings(first: 5) { hotelId title reviews { id rating } averageRating } }';
const passAnswer = { data: { listing: listing(1) } };
const joinAnswer = {
  data: {
    listings: [1, 2, 3, 4, 5].map((n) => ({
      ...(({ hotelId, title }) => ({ hotelId, title }))(listing(n)),
      reviews: reviewsOf(n),
      averageRating: reviewsOf(n).reduce((sum, r) => sum + r.rating, 0) / 2,
    })),
  },
};

async function startSubgraphs(ports, delayMs) {
  const children = [];
  const urls = {};
  for (const [name, port] of [['listings', ports.rest], ['reviews', ports.soap]]) {
    await assertPortFree(port);
    const child = start(`subgraph-${name}-${delayMs}ms`, process.execPath, [path.join(BENCH, 'upstreams', 'subgraphs.js')], {
      env: { SUBGRAPH: name, SUBGRAPH_PORT: String(port), UPSTREAM_DELAY_MS: String(delayMs) },
    });
    children.push(child);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
    await waitUntil(child, `subgraph ${name}`, async () => (await request(`http://127.0.0.1:${port}/_stats`)).status === 200);
  }
  const read = async (name, method = 'GET') => JSON.parse((await request(urls[name].replace('/graphql', '/_stats'), { method })).body);
  return {
    urls,
    async stats() {
      const [l, r] = [await read('listings'), await read('reviews')];
      return { total: l.hits + r.hits, listings: l.hits, reviews: r.hits, entities: l.entities + r.entities };
    },
    stop: async () => {
      for (const child of children) await stop(child);
    },
  };
}

/** Skein's schema folder, written by `skein import graphql` from the running subgraphs. */
function importSchema(ctx, urls) {
  const schema = path.join(WORK, 'graphql-schema');
  rmSync(schema, { recursive: true, force: true });
  mkdirSync(path.join(schema, 'sources'), { recursive: true });
  for (const [name, url] of Object.entries(urls)) {
    const out = execFileSync(process.execPath, [SKEIN_BIN, 'import', 'graphql', url, '--source', name, '--out', path.join(schema, 'sources', `${name}.graphql`)], { encoding: 'utf8' });
    ctx.log(`graphql: ${out.trim().split('\n')[0]}`);
  }
  return schema;
}

/** Hive Gateway over the supergraph composed from the subgraphs' own SDL (`_service { sdl }`). */
async function startHive(ctx, urls, port) {
  const dir = path.join(WORK, 'graphql-hive');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const services = [];
  for (const [name, url] of Object.entries(urls)) {
    const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    services.push({ name, url, sdl: JSON.parse(r.body).data._service.sdl });
  }
  writeFileSync(path.join(dir, 'services.json'), JSON.stringify(services));
  execFileSync(
    process.execPath,
    [
      '-e',
      `const { composeServices } = require('@theguild/federation-composition'); const { parse } = require('graphql'); const fs = require('fs');
       const services = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
       const result = composeServices(services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
       if (result.errors?.length) { console.error(result.errors.map((e) => e.message).join('\\n')); process.exit(1); }
       fs.writeFileSync(process.argv[2], result.supergraphSdl);`,
      path.join(dir, 'services.json'),
      path.join(dir, 'supergraph.graphql'),
    ],
    { cwd: PEER, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  await assertPortFree(port);
  const child = start('hive-gateway-graphql', path.join(PEER, 'node_modules', '.bin', 'hive-gateway'), ['supergraph', 'supergraph.graphql', '--host', '127.0.0.1', '--port', String(port), '--fork', '1'], { cwd: dir });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntil(child, 'Hive Gateway', async () => {
    const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PASS }) });
    return r.status === 200 && JSON.parse(r.body).data?.listing;
  });
  ctx.log('graphql: Hive Gateway serves the composed supergraph');
  return { child, url, stop: () => stop(child) };
}

export async function graphql(ctx) {
  const { ports, settings } = ctx;
  preparePeer(ctx);
  const rows = [];
  const raw = [];
  for (const delayMs of settings.quick ? [0] : [0, settings.delayMs]) {
    const subgraphs = await startSubgraphs(ports, delayMs);
    try {
      const schema = importSchema(ctx, subgraphs.urls);
      const direct = graphqlTarget('direct listings subgraph', subgraphs.urls.listings, PASS, passAnswer);
      ctx.log(`graphql (${delayMs} ms): the listings subgraph directly`);
      const d = await measure(direct, { connections: 20 });
      rows.push([delayMs, 'pass-through, straight to the listings subgraph (no gateway)', '—', num(d.rps), '', ms(d.p50), ms(d.p99), '', '', '1.00']);
      const gateways = [
        { label: 'Skein (`skein serve --no-registry`)', start: () => startSkein({ name: `graphql-skein-${delayMs}`, mode: 'no-registry', schema, port: ports.gateway, readyQuery: PASS }) },
        { label: 'Hive Gateway 2.15 (supergraph)', start: () => startHive(ctx, subgraphs.urls, ports.gateway2) },
      ];
      const figures = {};
      for (const gateway of gateways) {
        const gw = await gateway.start();
        try {
          for (const [kind, query, answer] of [['pass-through', PASS, passAnswer], ['entity join', JOIN, joinAnswer]]) {
            ctx.log(`graphql (${delayMs} ms): ${kind} through ${gateway.label}`);
            const m = await measure(graphqlTarget(`${gateway.label} ${kind}`, gw.url, query, answer), { connections: 20, onMeasure: gatewayProbe(gw.child.pid, subgraphs) });
            const entities = (await subgraphs.stats()).entities;
            (figures[kind] ??= []).push({ gateway: gateway.label, ...m, entities });
            raw.push({ delayMs, kind, gateway: gateway.label, ...m });
          }
        } finally {
          await gw.stop();
        }
      }
      for (const kind of ['pass-through', 'entity join']) {
        const [skein, hive] = figures[kind];
        for (const m of [skein, hive]) {
          rows.push([
            '',
            m === skein ? (kind === 'pass-through' ? `pass-through \`${PASS}\`` : `entity join \`${JOIN}\``) : '',
            m.gateway,
            num(m.rps),
            m === skein ? `**${ratio(skein.rps, hive.rps)}**` : '',
            ms(m.p50),
            ms(m.p99),
            num(m.cpuPct),
            mb(m.peakRssMb),
            num(m.upstreamCalls / m.requests, 2),
          ]);
        }
      }
    } finally {
      await subgraphs.stop();
    }
  }
  const markdown = section({
    title: '10. GraphQL sources: federation subgraphs, Skein beside Hive Gateway',
    what:
      `Two federation subgraphs (@apollo/subgraph on graphql-yoga, bench/upstreams/subgraphs.js). Skein serves what \`skein import graphql\` wrote from them; ` +
      `Hive Gateway serves the supergraph Hive's own composition (@theguild/federation-composition) made of the same subgraphs. Same queries, same expected JSON checked before and after ` +
      `each load run, 20 connections, ${settings.duration} s after ${settings.warmup} s warm-up, one gateway at a time; rows per upstream delay.`,
    baseline: 'Hive Gateway in the same run ("Skein / Hive"), and the pass-through query sent straight to the subgraph.',
    body: table(['delay ms', 'query', 'gateway', 'req/s', 'Skein / Hive', 'p50 ms', 'p99 ms', 'gw CPU %', 'gw peak RSS MB', 'subgraph calls/req'], rows, 'rllrrrrrrr'),
    notes: [
      'Alone, the entity join makes two subgraph calls through either gateway: `listings`, then one `_entities` call to reviews for all five listings. ' +
        'Under load both gateways send an operation identical to one already in flight only once (every client here sends the same query), hence fewer than one call per request.',
      'The subgraphs (graphql-yoga + @apollo/subgraph) are the slowest part of this setup: compare the direct row; a gateway sharing in-flight calls can answer more requests than the subgraph.',
    ],
  });
  return { markdown, raw };
}
