import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { parseXml, type XmlElement } from '../../src/sources/soap/xml/xml-tree.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fixture, FIXTURES, startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

const HOTEL = 'urn:skein:test:hotel';
const COMMON = 'urn:skein:test:common';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const wsdlPath = path.join(FIXTURES, 'hotel.wsdl');

const room101 = {
  attributes: { code: 'A-101', wing: '2' },
  roomId: '101',
  kind: 'double-bed',
  floor: '1',
  hasWindow: 'true',
  area: '21.5',
  bookings: '9007199254740993',
  openedOn: '2019-04-01',
  cleanedAt: '2026-03-01T09:30:00Z',
  photo: 'SGVsbG8=',
  note: { attributes: { 'xsi:nil': 'true' } },
  extras: { minibar: 'yes', view: { side: 'sea' } },
  amenity: ['wifi'],
  beds: { Bed: [{ width: '140', bunk: 'false' }, { width: '90' }] },
  Address: { attributes: { country: 'PT' }, street: '1 Harbour Street', city: 'Lisbon' },
  rate: { code: 'non-refundable', nights: '2' },
  price: { attributes: { currency: 'EUR' }, $value: '99.50' },
  'rating-score': '4.5',
  policy: { smoking: 'false', pets: 'true' },
};

function hotelService(calls: string[]) {
  const implementation = {
    GetRoom(args: { roomId: string }) {
      calls.push('GetRoom');
      if (args.roomId === '404') {
        throw {
          Fault: {
            faultcode: 'soap:Client',
            faultstring: 'Room 404 does not exist',
            detail: { RoomFault: { roomId: '404', reason: 'unknown' } },
            statusCode: 500,
          },
        };
      }
      return { GetRoomResult: { ...room101, roomId: args.roomId } };
    },
    ListRooms(args: { floor?: number } | null) {
      calls.push('ListRooms');
      // The soap package's server hands xsd:int arguments over as numbers.
      if (args?.floor === 7) return { ListRoomsResult: { Room: [{ ...room101, roomId: '701' }] } };
      if (args?.floor === 0) return { ListRoomsResult: {} };
      return { ListRoomsResult: { Room: [room101, { ...room101, roomId: '102', amenity: ['tv', 'bath'] }] } };
    },
    BookRoom() {
      calls.push('BookRoom');
      return {
        bookingId: '9007199254740993',
        guest: { attributes: { since: '2020-01-01' }, firstName: 'Ada', lastName: 'Lovelace', level: '3' },
        total: { attributes: { currency: 'EUR' }, $value: '199.00' },
        confirmed: 'true',
      };
    },
    CancelBooking() {
      calls.push('CancelBooking');
      return {};
    },
  };
  return { HotelService: { HotelSoap: implementation, HotelSoap12: implementation } };
}

/** Parses what the upstream received, namespace-aware, to assert on names and namespaces rather than prefixes. */
function envelopeOf(body: string): { envelope: XmlElement; header?: XmlElement; payload: XmlElement } {
  const envelope = parseXml(body, { namespaces: true });
  const header = envelope.children.find((c) => c.local === 'Header');
  const bodyElement = envelope.children.find((c) => c.local === 'Body')!;
  return { envelope, header, payload: bodyElement.children[0] };
}

function names(element: XmlElement): string[] {
  return element.children.map((c) => `{${c.uri}}${c.local}`);
}

describe('SOAP document/literal wrapped, end to end through the gateway', () => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;
  let sdl: string;
  const calls: string[] = [];

  beforeAll(async () => {
    upstream = await startSoapServer({ wsdl: fixture('hotel.wsdl'), uri: wsdlPath, path: '/hotel', services: hotelService(calls) });
    const imported = await importWsdl({ location: wsdlPath, source: 'hotel', url: upstream.url });
    sdl = imported.sdl;
    // With upstream errors exposed, so the Fault detail (read as JSON) reaches the client; off by default (test/hardening/source-boundaries.test.ts).
    gateway = await startTestGateway({ sources: { 'hotel.graphql': sdl } }, { exposeUpstreamErrors: true });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('writes readable SDL: one field per operation, XSD types mapped, wire names kept', () => {
    const lines = sdl.split('\n').map((line) => line.trim());
    for (const line of [
      'getRoom(roomId: String!): Room @soap(source: "hotel", operation: "GetRoom")',
      'listRooms(floor: Int, kind: [RoomKind!]): [Room!] @soap(source: "hotel", operation: "ListRooms")',
      '): BookRoomResponse @soap(source: "hotel", operation: "BookRoom")',
      'cancelBooking(bookingId: Long!): Boolean @soap(source: "hotel", operation: "CancelBooking")',
      // Required, optional, nillable, repeated, ArrayOf wrapper, element ref, simpleContent, attributes.
      'roomId: String!',
      'bookings: Long!',
      'area: Float!',
      'openedOn: Date!',
      'cleanedAt: DateTime',
      'photo: Base64',
      'note: String',
      'extras: JSON',
      'amenity: [String!]!',
      'beds: [Bed]',
      'Address: Address',
      'price: Money',
      'ratingScore: Float @wire(name: "rating-score")',
      'wing: Int',
      'SUITE @wire(name: "suite+")',
      '_2_ROOM @wire(name: "2-room")',
      'AuthHeader: AuthHeaderInput',
      'channel: String',
    ]) {
      expect(lines).toContain(line);
    }
    // Inheritance two levels deep: VipGuest has Person's and Guest's fields, in order, and its own attribute.
    expect(sdl).toContain('input VipGuestInput {\n  firstName: String!\n  lastName: String!\n  email: String\n  level: Int!\n  since: Date\n}');
    expect(sdl).toContain('type Money {\n  currency: String!\n  "The text content of the element."\n  value: Float\n}');
    expect(sdl).toContain('"A room of the hotel."\ntype Room {');
  });

  it('maps every XSD type to a typed GraphQL value', async () => {
    const answer = await gateway.query(`{
      getRoom(roomId: "101") {
        roomId kind floor hasWindow area bookings openedOn cleanedAt photo note extras amenity
        beds { width bunk } Address { street city zip country } rate { code nights } price { value currency }
        ratingScore code wing policy { smoking pets }
      }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.getRoom).toEqual({
      roomId: '101',
      kind: 'DOUBLE_BED',
      floor: 1,
      hasWindow: true,
      area: 21.5,
      bookings: '9007199254740993',
      openedOn: '2019-04-01',
      cleanedAt: '2026-03-01T09:30:00Z',
      photo: 'SGVsbG8=',
      note: null,
      extras: { minibar: 'yes', view: { side: 'sea' } },
      amenity: ['wifi'],
      beds: [
        { width: 140, bunk: false },
        { width: 90, bunk: null },
      ],
      Address: { street: '1 Harbour Street', city: 'Lisbon', zip: null, country: 'PT' },
      rate: { code: 'NON_REFUNDABLE', nights: 2 },
      price: { value: 99.5, currency: 'EUR' },
      ratingScore: 4.5,
      policy: { smoking: false, pets: true },
      code: 'A-101',
      wing: 2,
    });
  });

  it('sends a namespaced envelope with the SOAPAction header', async () => {
    upstream.received.length = 0;
    await gateway.query(`{ getRoom(roomId: "101") { roomId } }`);
    const [request] = upstream.received;
    expect(request.headers.soapaction).toBe('"urn:skein:test:hotel/GetRoom"');
    expect(request.headers['content-type']).toBe('text/xml; charset=utf-8');
    const { envelope, payload } = envelopeOf(request.body);
    expect(envelope.uri).toBe(SOAP11);
    expect(`{${payload.uri}}${payload.local}`).toBe(`{${HOTEL}}GetRoom`);
    expect(names(payload)).toEqual([`{${HOTEL}}roomId`]);
    expect(payload.children[0].text).toBe('101');
  });

  it('writes arguments in the XSD order, each element in its own namespace', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(
      `mutation {
        bookRoom(
          comment: null, wishes: ["quiet"], cardNumber: "4111 & co", arrival: "2026-05-01",
          rate: { nights: 2, code: NON_REFUNDABLE }, nights: 2, channel: "web <app>",
          guest: { level: 3, since: "2020-01-01", lastName: "Lovelace", firstName: "Ada" }, roomId: "101",
          AuthHeader: { apiKey: "k-1", tenant: "acme" }
        ) { bookingId confirmed total { value currency } guest { firstName lastName email level since } }
      }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.bookRoom).toEqual({
      bookingId: '9007199254740993',
      confirmed: true,
      total: { value: 199, currency: 'EUR' },
      guest: { firstName: 'Ada', lastName: 'Lovelace', email: null, level: 3, since: '2020-01-01' },
    });
    const [request] = upstream.received;
    expect(request.headers.soapaction).toBe('"urn:skein:test:hotel/BookRoom"');
    const { header, payload } = envelopeOf(request.body);
    expect(payload.attributes.channel).toBe('web <app>');
    expect(names(payload)).toEqual([
      `{${HOTEL}}roomId`,
      `{${HOTEL}}guest`,
      `{${HOTEL}}nights`,
      `{${HOTEL}}arrival`,
      `{${HOTEL}}rate`,
      `{${HOTEL}}cardNumber`,
      `{${HOTEL}}wishes`,
      `{${HOTEL}}comment`,
    ]);
    const guest = payload.children[1];
    // Inherited elements first (Person, then Guest, then VipGuest), in the namespace of the schema declaring them.
    expect(names(guest)).toEqual([`{${COMMON}}firstName`, `{${COMMON}}lastName`, `{${COMMON}}level`]);
    expect(guest.attributes.since).toBe('2020-01-01');
    // rates:Rate comes from a schema with unqualified local elements.
    expect(names(payload.children[4])).toEqual(['{}code', '{}nights']);
    expect(payload.children[4].children[0].text).toBe('non-refundable');
    expect(payload.children[5].text).toBe('4111 & co');
    const comment = payload.children[7];
    expect(comment.attributes['xsi:nil']).toBe('true');
    expect(comment.scope.xsi).toBe(XSI);
    // The soap:header part goes in the Header, in its own namespace.
    const auth = header!.children[0];
    expect(`{${auth.uri}}${auth.local}`).toBe(`{${COMMON}}AuthHeader`);
    expect(names(auth)).toEqual([`{${COMMON}}apiKey`, `{${COMMON}}tenant`]);
  });

  it('keeps a one-element list a list, and reads an ArrayOf wrapper as a list', async () => {
    const one = await gateway.query(`{ listRooms(floor: 7) { roomId amenity } }`);
    expect(one.data).toEqual({ listRooms: [{ roomId: '701', amenity: ['wifi'] }] });
    const none = await gateway.query(`{ listRooms(floor: 0) { roomId } }`);
    expect(none.data).toEqual({ listRooms: [] });
    const two = await gateway.query(`{ listRooms { roomId amenity } }`);
    expect(two.data).toEqual({
      listRooms: [
        { roomId: '101', amenity: ['wifi'] },
        { roomId: '102', amenity: ['tv', 'bath'] },
      ],
    });
  });

  it('sends enum list arguments by their wire values', async () => {
    upstream.received.length = 0;
    await gateway.query(`{ listRooms(kind: [SUITE, _2_ROOM]) { roomId } }`);
    const { payload } = envelopeOf(upstream.received[0].body);
    expect(payload.children.map((c) => c.text)).toEqual(['suite+', '2-room']);
  });

  it('sends an empty SOAPAction when the WSDL declares none, and reads an empty response as true', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`mutation { cancelBooking(bookingId: "9007199254740993") }`);
    expect(answer).toMatchObject({ data: { cancelBooking: true } });
    expect(upstream.received[0].headers.soapaction).toBe('""');
    expect(envelopeOf(upstream.received[0].body).payload.children[0].text).toBe('9007199254740993');
  });

  it('turns a SOAP Fault into a SOAP_FAULT error on that field; siblings still resolve', async () => {
    const answer = await gateway.query(`{ missing: getRoom(roomId: "404") { roomId } other: getRoom(roomId: "5") { roomId } }`);
    expect(answer.data).toEqual({ missing: null, other: { roomId: '5' } });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].path).toEqual(['missing']);
    expect(answer.errors![0].message).toContain('Room 404 does not exist');
    expect(answer.errors![0].extensions).toMatchObject({
      code: 'SOAP_FAULT',
      source: 'hotel',
      faultCode: 'soap:Client',
      faultString: 'Room 404 does not exist',
      detail: { RoomFault: { roomId: '404', reason: 'unknown' } },
    });
  });

  it('reads the WSDL once, at startup', async () => {
    const before = upstream.received.length;
    await gateway.query(`{ a: getRoom(roomId: "1") { roomId } b: getRoom(roomId: "2") { roomId } }`);
    // Two calls, no WSDL reads (the source reads hotel.wsdl from disk, and only when the graph is built).
    expect(upstream.received.length - before).toBe(2);
  });
});

describe('SOAP: a schema author edits the generated SDL', () => {
  it('may rename fields and arguments types, and drop what it does not need', async () => {
    const calls: string[] = [];
    const upstream = await startSoapServer({ wsdl: fixture('hotel.wsdl'), uri: wsdlPath, path: '/hotel', services: hotelService(calls) });
    const gateway = await startTestGateway({
      sources: {
        'rooms.graphql': `
          extend schema @source(name: "rooms", kind: SOAP, url: "${upstream.url}", wsdl: ${JSON.stringify(wsdlPath)})
          type HotelRoom { roomId: ID! type: String @wire(name: "kind") floor: Int hasWindow: Boolean }
          type Query { room(roomId: ID!): HotelRoom @soap(source: "rooms", operation: "GetRoom") }`,
      },
    });
    try {
      const answer = await gateway.query(`{ room(roomId: "42") { roomId type floor hasWindow } }`);
      expect(answer).toMatchObject({ data: { room: { roomId: '42', type: 'double-bed', floor: 1, hasWindow: true } } });
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});

describe('SOAP 1.2 port', () => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startSoapServer({ wsdl: fixture('hotel.wsdl'), uri: wsdlPath, path: '/hotel', services: hotelService([]) });
    const imported = await importWsdl({ location: wsdlPath, source: 'hotel12', url: upstream.url, soapVersion: '1.2' });
    expect(imported.port).toBe('HotelSoap12');
    expect(imported.sdl).toContain('wsdlPort: "HotelSoap12"');
    gateway = await startTestGateway({ sources: { 'hotel12.graphql': imported.sdl } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends a SOAP 1.2 envelope with the action in the content type', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`{ getRoom(roomId: "12") { roomId floor kind } }`);
    expect(answer).toMatchObject({ data: { getRoom: { roomId: '12', floor: 1, kind: 'DOUBLE_BED' } } });
    const [request] = upstream.received;
    expect(request.headers['content-type']).toBe('application/soap+xml; charset=utf-8; action="urn:skein:test:hotel/GetRoom"');
    expect(request.headers.soapaction).toBeUndefined();
    expect(envelopeOf(request.body).envelope.uri).toBe(SOAP12);
  });

  it('reads a SOAP 1.2 Fault', async () => {
    const answer = await gateway.query(`{ getRoom(roomId: "404") { roomId } }`);
    expect(answer.data).toEqual({ getRoom: null });
    expect(answer.errors![0].extensions).toMatchObject({ code: 'SOAP_FAULT', source: 'hotel12' });
  });
});

describe('SOAP headers from the source configuration', () => {
  let upstream: RunningSoapServer;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    upstream = await startSoapServer({ wsdl: fixture('hotel.wsdl'), uri: wsdlPath, path: '/hotel', services: hotelService([]) });
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await upstream?.close();
  });

  const start = async (sourceArguments: string, env: Record<string, string> = {}) => {
    const gateway = await startTestGateway(
      {
        sources: {
          'secure.graphql': `
            extend schema @source(name: "secure", kind: SOAP, url: "${upstream.url}", wsdl: ${JSON.stringify(wsdlPath)}, ${sourceArguments})
            type Room { roomId: String }
            type Query { room(roomId: String!): Room @soap(source: "secure", operation: "GetRoom") }`,
        },
      },
      { env },
    );
    gateways.push(gateway);
    return gateway;
  };

  it('writes static headers and a WS-Security UsernameToken (text password)', async () => {
    process.env.SKEIN_SOURCE_SECURE_PASSWORD = 'p&ss<word>';
    process.env.SKEIN_SOURCE_SECURE_TENANT = 'acme & co';
    const gateway = await start(
      `soapHeaders: ["<t:Tenant xmlns:t=\\"urn:tenant\\">{env.SKEIN_SOURCE_SECURE_TENANT}</t:Tenant>"],
       wsSecurity: { username: "svc", password: "{env.SKEIN_SOURCE_SECURE_PASSWORD}" }`,
    );
    upstream.received.length = 0;
    const answer = await gateway.query(`{ room(roomId: "1") { roomId } }`);
    expect(answer).toMatchObject({ data: { room: { roomId: '1' } } });
    const { header } = envelopeOf(upstream.received[0].body);
    const [tenant, security] = header!.children;
    expect(`{${tenant.uri}}${tenant.local}`).toBe('{urn:tenant}Tenant');
    expect(tenant.text).toBe('acme & co');
    expect(security.local).toBe('Security');
    expect(security.uri).toBe('http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd');
    expect(security.attributes['soap:mustUnderstand']).toBe('1');
    const token = security.children[0];
    expect(token.children.map((c) => c.local)).toEqual(['Username', 'Password']);
    expect(token.children[0].text).toBe('svc');
    expect(token.children[1].text).toBe('p&ss<word>');
    expect(token.children[1].attributes.Type).toMatch(/#PasswordText$/);
  });

  it('writes a password digest with a fresh nonce per call', async () => {
    const gateway = await start(`wsSecurity: { username: "svc", password: "secret", passwordType: DIGEST, timestamp: true }`);
    upstream.received.length = 0;
    await gateway.query(`{ a: room(roomId: "1") { roomId } b: room(roomId: "2") { roomId } }`);
    const tokens = upstream.received.map((r) => {
      const security = envelopeOf(r.body).header!.children[0];
      expect(security.children.map((c) => c.local)).toEqual(['Timestamp', 'UsernameToken']);
      const token = security.children[1];
      const part = (name: string) => token.children.find((c) => c.local === name)!.text;
      return { password: part('Password'), nonce: part('Nonce'), created: part('Created') };
    });
    expect(tokens[0].nonce).not.toBe(tokens[1].nonce);
    const { createHash } = await import('node:crypto');
    for (const token of tokens) {
      const expected = createHash('sha1')
        .update(Buffer.concat([Buffer.from(token.nonce, 'base64'), Buffer.from(token.created + 'secret')]))
        .digest('base64');
      expect(token.password).toBe(expected);
    }
  });
});
