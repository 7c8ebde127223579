import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fixture, FIXTURES, startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

// A read-only SOAP call of a field with a maxAge is cached on its own (a real soap.listen
// service counts the calls); a SOAP Fault is an answer with errors, never kept; a field
// without a maxAge calls every time.

const wsdlPath = path.join(FIXTURES, 'hotel.wsdl');
const room = (roomId: string) => ({
  attributes: { code: 'A-101', wing: '2' },
  roomId,
  kind: 'double-bed',
  floor: '1',
  hasWindow: 'true',
  area: '21.5',
  bookings: '3',
  openedOn: '2019-04-01',
  photo: 'SGVsbG8=',
  amenity: ['wifi'],
  Address: { attributes: { country: 'PT' }, street: '1 Harbour Street', city: 'Lisbon' },
  rate: { code: 'non-refundable', nights: '2' },
  price: { attributes: { currency: 'EUR' }, $value: '99.50' },
  policy: { smoking: 'false', pets: 'true' },
});

describe('caching SOAP calls', () => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;
  const calls: string[] = [];

  beforeAll(async () => {
    const implementation = {
      GetRoom(args: { roomId: string }) {
        calls.push(`GetRoom ${args.roomId}`);
        if (args.roomId === '404') throw { Fault: { faultcode: 'soap:Client', faultstring: 'Room 404 does not exist', statusCode: 500 } };
        return { GetRoomResult: room(args.roomId) };
      },
      ListRooms() {
        calls.push('ListRooms');
        return { ListRoomsResult: { Room: [room('101')] } };
      },
    };
    upstream = await startSoapServer({
      wsdl: fixture('hotel.wsdl'),
      uri: wsdlPath,
      path: '/hotel',
      services: { HotelService: { HotelSoap: implementation, HotelSoap12: implementation } },
    });
    const { sdl } = await importWsdl({ location: wsdlPath, source: 'hotel', url: upstream.url });
    const cached = sdl.replace('@soap(source: "hotel", operation: "GetRoom")', '@soap(source: "hotel", operation: "GetRoom") @cacheControl(maxAge: 30)');
    expect(cached).not.toBe(sdl);
    gateway = await startTestGateway({ sources: { 'hotel.graphql': cached } }, {}, { settings: { cache: true } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => void (calls.length = 0));

  it('makes a read-only call with a maxAge once, inside answers that cannot be cached as a whole', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await gateway.query('{ getRoom(roomId: "101") { roomId floor } listRooms { roomId } }');
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ getRoom: { roomId: '101', floor: 1 }, listRooms: [{ roomId: '101' }] });
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect([...calls].sort()).toEqual(['GetRoom 101', 'ListRooms', 'ListRooms', 'ListRooms']);
  });

  it('does not keep a SOAP Fault', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await gateway.query('{ getRoom(roomId: "404") { roomId } }');
      expect(answer.errors?.[0].message).toContain('Room 404 does not exist');
    }
    expect(calls).toEqual(['GetRoom 404', 'GetRoom 404']);
  });
});
