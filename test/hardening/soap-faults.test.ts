import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sourceGuards } from '../../src/sources/http/source-guards.js';
import { startFaultUpstream, type Fault, type FaultUpstream } from '../helpers/fault-upstream.js';
import { DOORS } from '../helpers/gateway.js';
import { useManualClock } from '../helpers/manual-clock.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { errorAt, expectNothingLeaked, startHardenedGateway, type HardenedGateway } from './harness.js';

const ROOMS_WSDL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/wsdl/rooms.wsdl');
const PASSWORD = 'ws-security-pass-9876';
process.env.SKEIN_SOURCE_ROOMS_PASSWORD = PASSWORD;

const ENVELOPE = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="urn:skein:demo:rooms">
  <soap:Body><r:GetRoomResponse><r:GetRoomResult><r:roomId>101</r:roomId><r:type>DOUBLE</r:type><r:floor>1</r:floor><r:hasWindow>true</r:hasWindow></r:GetRoomResult></r:GetRoomResponse></soap:Body>
</soap:Envelope>`;

const FAULT = `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
  <faultcode>soap:Client</faultcode><faultstring>Room 999 does not exist (password was ${PASSWORD})</faultstring>
</soap:Fault></soap:Body></soap:Envelope>`;

function schema(roomsUrl: string, hotelsUrl: string, policy = '') {
  return {
    sources: {
      'rooms.graphql': `extend schema @source(name: "rooms", kind: SOAP, url: "${roomsUrl}/rooms", wsdl: ${JSON.stringify(ROOMS_WSDL)},
          timeoutMs: 400, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
          wsSecurity: { username: "gateway", password: "{env.SKEIN_SOURCE_ROOMS_PASSWORD}" } ${policy})
        enum RoomType { SINGLE DOUBLE SUITE }
        type Room { roomId: ID! type: RoomType floor: Int hasWindow: Boolean }
        type Query { room(roomId: ID!): Room @soap(source: "rooms", operation: "GetRoom") }
        type Mutation {
          holdRoom(roomId: ID!): Room @soap(source: "rooms", operation: "GetRoom")
          peekRoom(roomId: ID!): Room @soap(source: "rooms", operation: "GetRoom", safe: true)
        }`,
      'hotels.graphql': `extend schema @source(name: "hotels", kind: REST, url: "${hotelsUrl}")
        type Hotel { id: ID! name: String }
        type Query { hotel(id: ID!): Hotel @rest(source: "hotels", path: "/hotels/{id}") }`,
    },
  };
}

const both = '{ room(roomId: "101") { roomId type floor } hotel(id: "2") { name } }';
const ROOM = { roomId: '101', type: 'DOUBLE', floor: 1 };

describe.each(DOORS)('SOAP upstream faults through the gateway (%s)', (via) => {
  let hotels: RecordingUpstream;
  let rooms: FaultUpstream;
  let gw: HardenedGateway;

  beforeAll(async () => {
    hotels = await startRecordingUpstream({ 'GET /hotels/*': { json: { id: '2', name: 'Grand' } } });
  });
  afterAll(() => hotels.close());
  afterEach(async () => {
    await gw?.close();
    await rooms?.close();
  });

  async function start(fault: Fault | ((n: number) => Fault), policy = '') {
    rooms = await startFaultUpstream(() => ({ body: ENVELOPE, contentType: 'text/xml; charset=utf-8' }));
    rooms.plan(fault);
    gw = await startHardenedGateway(schema(rooms.url, hotels.url, policy), {}, via);
  }

  async function failing(fault: Fault, code: string, hits: number, extra: Record<string, unknown> = {}) {
    await start(fault);
    const answer = await gw.query(both);
    expect(answer.data).toEqual({ room: null, hotel: { name: 'Grand' } });
    const error = errorAt(answer, 'room')!;
    expect(error.extensions).toMatchObject({ code, source: 'rooms', ...extra });
    expect(rooms.hits('/rooms')).toBe(hits);
    expectNothingLeaked(answer, PASSWORD);
    return error;
  }

  it('answers when healthy, with the WS-Security password on the wire only', async () => {
    await start({ kind: 'ok' });
    const answer = await gw.query(both);
    expect(answer.data).toEqual({ room: ROOM, hotel: { name: 'Grand' } });
    expect(rooms.bodies[0]).toContain(PASSWORD);
  });

  it('a 500 that is not a SOAP Fault is retried on a Query (safe by default)', async () => {
    await failing({ kind: 'status', status: 500, body: '<html><body>Internal error</body></html>', contentType: 'text/html' }, 'UPSTREAM_HTTP_ERROR', 3, { status: 500 });
  });

  it('a SOAP Fault (on HTTP 500) is the service answering: SOAP_FAULT, not retried, not counted by the breaker', async () => {
    await start({ kind: 'status', status: 500, body: FAULT, contentType: 'text/xml' }, ', circuitBreaker: { failures: 2, halfOpenAfterMs: 10000 }');
    for (let i = 0; i < 3; i++) {
      const answer = await gw.query(both);
      const error = errorAt(answer, 'room')!;
      expect(error.extensions).toMatchObject({ code: 'SOAP_FAULT', source: 'rooms', status: 500, faultCode: 'soap:Client' });
      expect(error.extensions?.faultString).toBe('Room 999 does not exist (password was [redacted])');
      expect(answer.data?.hotel).toEqual({ name: 'Grand' });
      expectNothingLeaked(answer, PASSWORD);
    }
    expect(rooms.hits()).toBe(3);
    expect(sourceGuards.find('rooms')?.breakerState).toBe('closed');
    expect(await gw.metric('skein_upstream_failures_total{source="rooms"}')).toBe(0);
  });

  it('a Mutation is not safe unless the schema says so: not retried; with safe: true it is', async () => {
    await start({ kind: 'reset' });
    const unsafe = await gw.query('mutation { holdRoom(roomId: "101") { roomId } }');
    expect(unsafe.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', source: 'rooms' });
    expect(rooms.hits()).toBe(1);
    const safe = await gw.query('mutation { peekRoom(roomId: "101") { roomId } }');
    expect(safe.errors?.[0].extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', source: 'rooms' });
    expect(rooms.hits()).toBe(4);
  });

  it('a reset in the middle of the envelope: UPSTREAM_UNREACHABLE, retried', async () => {
    await failing({ kind: 'reset-mid-body' }, 'UPSTREAM_UNREACHABLE', 3);
  });

  it('garbage instead of XML: UPSTREAM_BAD_RESPONSE', async () => {
    const error = await failing({ kind: 'garbage' }, 'UPSTREAM_BAD_RESPONSE', 1, { status: 200 });
    expect(error.message).toBe('Upstream "rooms" answered Query.room with a body that is not XML');
  });

  it('a truncated envelope (complete HTTP, broken XML): UPSTREAM_BAD_RESPONSE saying where', async () => {
    const error = await failing(
      { kind: 'status', status: 200, body: ENVELOPE.slice(0, ENVELOPE.length - 40), contentType: 'text/xml' },
      'UPSTREAM_BAD_RESPONSE',
      1,
    );
    expect(error.message).toMatch(/^Upstream "rooms" answered Query\.room with XML that is not well-formed \(.* at line \d+, column \d+; truncated\?\)$/);
  });

  it('an envelope of the wrong shape: UPSTREAM_BAD_RESPONSE saying what was expected', async () => {
    const empty = ENVELOPE.replace(/<soap:Body>.*<\/soap:Body>/s, '<soap:Body></soap:Body>');
    const error = await failing({ kind: 'status', status: 200, body: empty, contentType: 'text/xml' }, 'UPSTREAM_BAD_RESPONSE', 1);
    expect(error.message).toBe('Upstream "rooms" answered Query.room with the SOAP Body is empty where <GetRoomResponse> was expected');
  });

  it('a body cut short of its Content-Length: UPSTREAM_UNREACHABLE', async () => {
    await failing({ kind: 'truncated' }, 'UPSTREAM_UNREACHABLE', 3);
  });

  it('slow drip and no answer: UPSTREAM_TIMEOUT', async () => {
    await failing({ kind: 'drip', intervalMs: 20 }, 'UPSTREAM_TIMEOUT', 1);
    await gw.close();
    await rooms.close();
    await failing({ kind: 'hang' }, 'UPSTREAM_TIMEOUT', 1);
  });

  it('the circuit opens on failures and closes after a good probe', async () => {
    const manual = useManualClock();
    try {
      await start({ kind: 'status', status: 503, body: 'down' }, ', circuitBreaker: { failures: 3, halfOpenAfterMs: 250 }');
    } finally {
      manual.restore(); // the guard keeps the manual clock; later gateways get real time
    }
    await gw.query(both);
    expect(rooms.hits()).toBe(3);
    const open = await gw.query(both);
    expect(errorAt(open, 'room')?.extensions?.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(open.data?.hotel).toEqual({ name: 'Grand' });
    expect(rooms.hits()).toBe(3);
    rooms.plan({ kind: 'ok' });
    manual.clock.advance(250);
    expect((await gw.query(both)).data?.room).toEqual(ROOM);
    expect(sourceGuards.find('rooms')?.breakerState).toBe('closed');
  });
});

describe.each(DOORS)('hostile XML from a SOAP upstream (%s)', (via) => {
  let hotels: RecordingUpstream;
  let rooms: FaultUpstream;
  let gw: HardenedGateway;
  let dir: string;
  const MARKER = 'skein-local-secret-4f1e';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skein-xxe-'));
    writeFileSync(path.join(dir, 'secret.txt'), MARKER);
    hotels = await startRecordingUpstream({ 'GET /hotels/*': { json: { id: '2', name: 'Grand' } } });
    rooms = await startFaultUpstream(() => ({ body: ENVELOPE, contentType: 'text/xml' }));
    gw = await startHardenedGateway(schema(rooms.url, hotels.url), {}, via);
  });
  afterAll(async () => {
    await gw.close();
    await rooms.close();
    await hotels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetRoomResponse><GetRoomResult><roomId>&lol9;</roomId></GetRoomResult></GetRoomResponse></soap:Body></soap:Envelope>`;

  it('a billion-laughs answer fails cleanly: no expansion, UPSTREAM_BAD_RESPONSE naming the DOCTYPE', async () => {
    rooms.plan({ kind: 'status', status: 200, body: billionLaughs, contentType: 'text/xml' });
    const before = process.memoryUsage().heapUsed;
    const answer = await gw.query(both);
    expect(errorAt(answer, 'room')?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(errorAt(answer, 'room')?.message).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
    expect(answer.data?.hotel).toEqual({ name: 'Grand' });
    expect(JSON.stringify(answer)).not.toContain('lollollol');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('an XXE answer pointing at a local file fails cleanly and reads nothing', async () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY leak SYSTEM "file://${path.join(dir, 'secret.txt')}"> ]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetRoomResponse><GetRoomResult><roomId>&leak;</roomId></GetRoomResult></GetRoomResponse></soap:Body></soap:Envelope>`;
    rooms.plan({ kind: 'status', status: 200, body: xxe, contentType: 'text/xml' });
    const answer = await gw.query(both);
    expect(errorAt(answer, 'room')?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(errorAt(answer, 'room')?.message).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
    expect(JSON.stringify(answer)).not.toContain(MARKER);
  });
});
