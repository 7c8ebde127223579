// Scenario 2, composite latency: the hotelOrder composite with every upstream answering
// after BENCH_DELAY_MS (20 ms), against its critical path (order, then user ‖ hotel ‖ room:
// 2 × 20 ms, the physical limit) and against clients that compose by hand
// (baselines/hand-client.js): the four calls one after another, and the hand-written optimum.
import path from 'node:path';
import { hotel, order, room, user } from '../upstreams/data.js';
import { measure } from '../lib/load.js';
import { BENCH, SCHEMA } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { start, stop, waitUntil } from '../lib/processes.js';
import { request } from '../lib/http.js';
import { mb, ms, num, plus, ratio, section, table } from '../lib/report.js';
import { defaultMode, modeLabel, startSkein } from '../lib/skein.js';
import { graphqlTarget, httpTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';

export const HOTEL_ORDER = '{ hotelOrder(orderId: 1) { order { id } user { name age gender } hotel { name stars address } room { type floor hasWindow } } }';
export const JOINED = '{ order(id: 1) { id user { name } hotel { name } room { type } } }';

const o = order(1);
const u = user(o.userId);
const h = hotel(o.hotelId);
const r = room(o.roomId);
export const HOTEL_ORDER_ANSWER = {
  data: {
    hotelOrder: {
      order: { id: 1 },
      user: { name: u.name, age: u.age, gender: u.gender },
      hotel: { name: h.name, stars: h.stars, address: h.address },
      room: { type: r.type, floor: r.floor, hasWindow: r.hasWindow },
    },
  },
};
export const JOINED_ANSWER = { data: { order: { id: 1, user: { name: u.name }, hotel: { name: h.name }, room: { type: r.type } } } };

async function startHandClient(mode, port, upstreams) {
  const child = start(`hand-client-${mode}`, process.execPath, [path.join(BENCH, 'baselines', 'hand-client.js')], {
    env: { CLIENT_MODE: mode, CLIENT_PORT: String(port), REST_URL: upstreams.restUrl, SOAP_URL: upstreams.soapUrl },
  });
  await waitUntil(child, `${mode} client`, async () => (await request(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' })).status === 200);
  return { child, url: `http://127.0.0.1:${port}/` };
}

export async function composite(ctx) {
  const { ports, settings } = ctx;
  const delay = settings.delayMs;
  const critical = 2 * delay;
  const connections = settings.quick ? [20] : [1, 20];
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: delay });
  const rows = [];
  const raw = [];
  const live = [];
  try {
    const { mode, dataDir } = await defaultMode(ctx, 'bench', SCHEMA);
    const gw = await startSkein({ name: 'composite', mode, schema: SCHEMA, port: ports.gateway, dataDir, env: upstreams.skeinEnv });
    live.push(gw.child);
    const sequential = await startHandClient('sequential', ports.client, upstreams);
    const parallel = await startHandClient('parallel', ports.client2, upstreams);
    live.push(sequential.child, parallel.child);
    const targets = [
      { key: 'sequential', label: 'hand-written client, 4 calls one after another', target: graphqlTarget('sequential client', sequential.url, HOTEL_ORDER, HOTEL_ORDER_ANSWER) },
      { key: 'parallel', label: 'hand-written client, order then 3 in parallel', target: graphqlTarget('parallel client', parallel.url, HOTEL_ORDER, HOTEL_ORDER_ANSWER) },
      { key: 'composite', label: 'Skein `hotelOrder` composite', target: graphqlTarget('Skein hotelOrder', gw.url, HOTEL_ORDER, HOTEL_ORDER_ANSWER), probe: true },
      { key: 'joined', label: 'Skein joined query (`order { user hotel room }`)', target: graphqlTarget('Skein joined', gw.url, JOINED, JOINED_ANSWER), probe: true },
    ];
    // The floor as measured: one upstream call made directly (timer, loopback, HTTP), twice.
    ctx.log('composite: one direct upstream call, 1 connection');
    const direct = await measure(
      httpTarget('direct GET /orders/1', `${upstreams.restUrl}/orders/1`, { valid: (b) => JSON.parse(b).id === 1, expectation: 'order 1' }),
      { connections: 1 },
    );
    raw.push({ connections: 1, what: 'direct', ...direct });
    rows.push([`one upstream call made directly (GET /orders/1), ×2 = the measured critical path`, 1, num(direct.rps), `${ms(direct.p50)} ×2 = ${ms(2 * direct.p50)}`, ms(direct.p99), plus(2 * direct.p50, critical), '—', '1', '—']);
    for (const c of connections) {
      const byKey = {};
      for (const t of targets) {
        ctx.log(`composite: ${c} connections, ${t.key}`);
        const m = await measure(t.target, { connections: c, onMeasure: t.probe ? gatewayProbe(gw.child.pid, upstreams) : undefined });
        byKey[t.key] = m;
        raw.push({ connections: c, what: t.key, ...m });
      }
      if (c === 20) ctx.shared.composite = { connections: c, mode, delay, critical, floor: 2 * direct.p50, joinedP50: byKey.joined.p50, compositeP50: byKey.composite.p50, parallelP50: byKey.parallel.p50 };
      for (const t of targets) {
        const m = byKey[t.key];
        rows.push([
          t.label,
          c,
          num(m.rps),
          ms(m.p50),
          ms(m.p99),
          plus(m.p50, critical),
          ratio(m.p50, byKey.sequential.p50),
          t.probe ? num(m.upstreamCalls / m.requests, 2) : '4',
          t.probe ? mb(m.peakRssMb) : '—',
        ]);
      }
    }
  } finally {
    for (const child of live) await stop(child);
    await upstreams.stop();
  }
  const markdown = section({
    title: `2. Composite latency: hotelOrder with ${delay} ms upstreams`,
    what:
      `\`${HOTEL_ORDER}\`, every upstream answering ${delay} ms late. The critical path is order → (user ‖ hotel ‖ room): ` +
      `2 × ${delay} ms = **${critical} ms**, the physical limit. The joined query (the peer's) has the same critical path. Skein runs as ${modeLabel(settings.skeinMode)}. ${settings.duration} s per row after ${settings.warmup} s warm-up.`,
    baseline: `the critical path (${critical} ms), and hand-written clients (bench/baselines/hand-client.js) making the four calls themselves against the same upstreams, in the same run.`,
    body: table(['what', 'connections', 'req/s', 'p50 ms', 'p99 ms', `p50 − ${critical} ms`, 'p50 / sequential client', 'upstream calls/req', 'gw peak RSS MB'], rows),
    notes: [
      `The upstreams delay each answer with setTimeout(${delay}), which fires late by a fraction of a millisecond, and loopback HTTP adds a little more: the first row measures that floor directly.`,
      'The hand-written clients run behind a small node:http server so the same load generator drives them; that adds one loopback hop they would not have in a browser.',
    ],
  });
  return { markdown, raw };
}
