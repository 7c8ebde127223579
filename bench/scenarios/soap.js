// Scenario 3, SOAP: the `room` field through Skein against the same SOAP call
// (HotelRoomService.GetRoom, an envelope POSTed by hand) made directly, no delay.
import { measure } from '../lib/load.js';
import { SCHEMA } from '../lib/paths.js';
import { gatewayProbe } from '../lib/probe.js';
import { mb, ms, num, plus, ratio, section, table } from '../lib/report.js';
import { defaultMode, modeLabel, startSkein } from '../lib/skein.js';
import { graphqlTarget, httpTarget } from '../lib/target.js';
import { startUpstreams } from '../lib/upstreams.js';
import { room } from '../upstreams/data.js';

export const ROOM_QUERY = '{ room(roomId: 11) { roomId type floor hasWindow } }';
const ENVELOPE =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="http://example.com/hotelroom">' +
  '<soap:Body><h:GetRoom><h:roomId>11</h:roomId></h:GetRoom></soap:Body></soap:Envelope>';

export async function soap(ctx) {
  const { ports, settings } = ctx;
  const connections = settings.quick ? [20] : [1, 20];
  const expected = room(11);
  const upstreams = await startUpstreams({ restPort: ports.rest, soapPort: ports.soap, delayMs: 0 });
  const rows = [];
  const raw = [];
  try {
    const { mode, dataDir } = await defaultMode(ctx, 'bench', SCHEMA);
    const gw = await startSkein({ name: 'soap', mode, schema: SCHEMA, port: ports.gateway, dataDir, env: upstreams.skeinEnv, readyQuery: ROOM_QUERY });
    try {
      const direct = httpTarget('direct SOAP GetRoom', upstreams.soapUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://example.com/hotelroom/GetRoom"' },
        body: ENVELOPE,
        valid: (xml) =>
          xml.includes(`<roomId>${expected.roomId}</roomId>`) &&
          xml.includes(`<type>${expected.type}</type>`) &&
          xml.includes(`<floor>${expected.floor}</floor>`) &&
          xml.includes(`<hasWindow>${expected.hasWindow}</hasWindow>`),
        expectation: `a GetRoomResponse for ${JSON.stringify(expected)}`,
      });
      const viaSkein = graphqlTarget('Skein room(roomId: 11)', gw.url, ROOM_QUERY, { data: { room: expected } });
      for (const c of connections) {
        ctx.log(`soap: ${c} connections, direct`);
        const d = await measure(direct, { connections: c });
        ctx.log(`soap: ${c} connections, through Skein`);
        const s = await measure(viaSkein, { connections: c, onMeasure: gatewayProbe(gw.child.pid, upstreams) });
        raw.push({ connections: c, direct: d, skein: s });
        rows.push([c, num(d.rps), num(s.rps), ratio(s.rps, d.rps), ms(d.p50), ms(s.p50), plus(s.p50, d.p50), ms(d.p99), ms(s.p99), plus(s.p99, d.p99), num(s.cpuPct), mb(s.peakRssMb)]);
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await upstreams.stop();
  }
  const markdown = section({
    title: '3. SOAP: the room field',
    what: `\`${ROOM_QUERY}\` through ${modeLabel(settings.skeinMode)} (one SOAP 1.1 call, envelope built and answer decoded by Skein) against the same \`GetRoom\` envelope POSTed straight to the node-soap upstream (no delay).`,
    baseline: 'the SOAP upstream called directly, in the same run, at the same number of connections.',
    body: table(['connections', 'direct req/s', 'Skein req/s', 'Skein / direct', 'direct p50 ms', 'Skein p50 ms', 'p50 added', 'direct p99 ms', 'Skein p99 ms', 'p99 added', 'gw CPU %', 'gw peak RSS MB'], rows),
    notes: ['The upstream is node-soap, itself slow (it parses every envelope with a full XML stack), so "direct" is far below the REST upstream\'s rate.'],
  });
  return { markdown, raw };
}
