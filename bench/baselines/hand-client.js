// The baseline of scenario 2: a client that composes the hotel order itself, with no
// gateway, wrapped in a tiny HTTP server so the same load generator can drive it. Each
// request to it makes the four upstream calls with undici (keep-alive, as Skein does):
//   CLIENT_MODE=sequential  order, user, hotel, room one after another (4 round trips)
//   CLIENT_MODE=parallel    order, then user ‖ hotel ‖ room (2 round trips: hand-written optimum)
// and answers the same JSON as Skein's hotelOrder field, so its answers are checked alike.
//
// env: CLIENT_PORT, CLIENT_MODE, REST_URL (http://127.0.0.1:4101), SOAP_URL (http://127.0.0.1:4102/HotelRoomService)
import http from 'node:http';
import { Agent, request } from 'undici';

const PORT = Number(process.env.CLIENT_PORT || 4303);
const MODE = process.env.CLIENT_MODE || 'sequential';
const REST = process.env.REST_URL || 'http://127.0.0.1:4101';
const SOAP = process.env.SOAP_URL || 'http://127.0.0.1:4102/HotelRoomService';
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

async function getJson(path) {
  const r = await request(`${REST}${path}`, { dispatcher: agent });
  if (r.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${r.statusCode}`);
  return r.body.json();
}

async function getRoom(roomId) {
  const envelope =
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:h="http://example.com/hotelroom">' +
    `<soap:Body><h:GetRoom><h:roomId>${roomId}</h:roomId></h:GetRoom></soap:Body></soap:Envelope>`;
  const r = await request(SOAP, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://example.com/hotelroom/GetRoom"' },
    body: envelope,
  });
  const xml = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`GetRoom: HTTP ${r.statusCode}`);
  const text = (tag) => new RegExp(`<(?:\\w+:)?${tag}>([^<]*)</`).exec(xml)?.[1];
  return { type: text('type'), floor: Number(text('floor')), hasWindow: text('hasWindow') === 'true' };
}

async function hotelOrder(orderId) {
  const order = await getJson(`/orders/${orderId}`);
  let user, hotel, room;
  if (MODE === 'parallel') {
    [user, hotel, room] = await Promise.all([getJson(`/users/${order.userId}`), getJson(`/hotels/${order.hotelId}`), getRoom(order.roomId)]);
  } else {
    user = await getJson(`/users/${order.userId}`);
    hotel = await getJson(`/hotels/${order.hotelId}`);
    room = await getRoom(order.roomId);
  }
  return {
    order: { id: order.id },
    user: { name: user.name, age: user.age, gender: user.gender },
    hotel: { name: hotel.name, stars: hotel.stars, address: hotel.address },
    room,
  };
}

const server = http.createServer(async (req, res) => {
  for await (const _ of req);
  try {
    const body = JSON.stringify({ data: { hotelOrder: await hotelOrder(1) } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch (error) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
});
server.keepAliveTimeout = 65000;
server.listen(PORT, '127.0.0.1', () => console.log(`hand-written ${MODE} client on http://127.0.0.1:${PORT}`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
