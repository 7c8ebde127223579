import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// `@source(headers:)` may carry what the caller's verified token proved ({jwt.sub},
// {jwt.claims.NAME}) to every call of a source, REST and SOAP alike, beside the fixed
// headers and {env.X}; without a token such a header is left out, never sent blank.

const ROOMS_WSDL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/wsdl/rooms.wsdl');
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
process.env.SKEIN_SOURCE_SHOP_KEY = 'shop-key-1';

const ENVELOPE = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="urn:skein:demo:rooms">
  <soap:Body><r:GetRoomResponse><r:GetRoomResult><r:roomId>101</r:roomId><r:type>DOUBLE</r:type></r:GetRoomResult></r:GetRoomResponse></soap:Body>
</soap:Envelope>`;

const sources = (shopUrl: string, roomsUrl: string) => ({
  'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${shopUrl}", headers: [
      { name: "X-Tenant", value: "{jwt.claims.tenant}" }, { name: "X-Key", value: "{env.SKEIN_SOURCE_SHOP_KEY}" },
      { name: "X-Caller", value: "{env.SKEIN_SOURCE_SHOP_KEY}/{jwt.sub}" }])
    type Order { id: ID! }
    type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`,
  'rooms.graphql': `extend schema @source(name: "rooms", kind: SOAP, url: "${roomsUrl}/rooms", wsdl: ${JSON.stringify(ROOMS_WSDL)},
      headers: [{ name: "X-User", value: "{jwt.sub}" }])
    enum RoomType { SINGLE DOUBLE SUITE }
    type Room { roomId: ID! type: RoomType }
    type Query { room(roomId: ID!): Room @soap(source: "rooms", operation: "GetRoom") }`,
});

describe('source headers from the caller’s token', () => {
  let shop: RecordingUpstream;
  let rooms: RecordingUpstream;
  let gateway: TestGateway;
  const token = () =>
    new SignJWT({ tenant: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setSubject('user-42').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

  beforeAll(async () => {
    shop = await startRecordingUpstream({ 'GET /orders/*': { json: { id: '1' } } });
    rooms = await startRecordingUpstream({ 'POST /rooms': { body: ENVELOPE, headers: { 'content-type': 'text/xml; charset=utf-8' } } });
    gateway = await startTestGateway({ sources: sources(shop.url, rooms.url) }, {}, { settings: { jwt: { secret: SECRET } } });
  });
  afterAll(async () => {
    await gateway?.close();
    await shop?.close();
    await rooms?.close();
  });

  it('sends the claims to REST and SOAP upstreams on every call', async () => {
    const answer = await gateway.query('{ order(id: "1") { id } room(roomId: "101") { type } }', {}, { authorization: `Bearer ${await token()}` });
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ order: { id: '1' }, room: { type: 'DOUBLE' } });
    const rest = shop.received.at(-1)!.headers;
    expect(rest['x-tenant']).toBe('acme');
    expect(rest['x-key']).toBe('shop-key-1');
    expect(rest['x-caller']).toBe('shop-key-1/user-42');
    expect(rooms.received.at(-1)!.headers['x-user']).toBe('user-42');
  });

  it('leaves a token header out when the caller sent no token, and keeps the fixed ones', async () => {
    const answer = await gateway.query('{ order(id: "1") { id } room(roomId: "101") { type } }');
    expect(answer.errors).toBeUndefined();
    const rest = shop.received.at(-1)!.headers;
    expect(rest['x-key']).toBe('shop-key-1');
    expect(rest).not.toHaveProperty('x-tenant');
    expect(rooms.received.at(-1)!.headers).not.toHaveProperty('x-user');
  });

  it('refuses a placeholder a source header cannot fill, naming it and what is allowed', async () => {
    const source = `extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9", headers: [{ name: "X-Tenant", value: "{jwt.tenant}" }])
      type Query { ping: String @rest(source: "shop", path: "/ping") }`;
    await expect(buildGraph({ sources: [{ path: 'shop.graphql', text: source, documents: 'anywhere' }], composites: [] })).rejects.toThrow(
      /header X-Tenant: \{jwt\.tenant\} is not a placeholder a source header can fill; use \{env\.NAME\}, \{jwt\.sub\} or \{jwt\.claims\.NAME\}/,
    );
  });
});
