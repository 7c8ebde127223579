// The REST upstream of the benchmark: orders, users and hotels on node:http.
//
// The same data, routes and OpenAPI document (openapi.json, a copy of the peer's
// upstreams/openapi.json) as the peer benchmark's upstreams/rest.js, so Skein and the peer
// answer the same queries from the same bytes. Added for Skein's own scenarios:
//   GET /orders?limit=&offset=   a page of orders (scenario 4, batching)
//   GET /_stats                  {"hits": n, "routes": {"/orders/:id": n, ...}}
//   POST /_stats                 zeroes the counters (and answers them)
//
// env: REST_PORT (4101), REST_HOST (127.0.0.1), UPSTREAM_DELAY_MS (0): every API answer
// is sent that many ms late, with a timer, so a slow upstream costs no CPU.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { hotel, inRange, N, order, user } from './data.js';

const PORT = Number(process.env.REST_PORT || 4101);
const HOST = process.env.REST_HOST || '127.0.0.1';
const DELAY = Number(process.env.UPSTREAM_DELAY_MS || 0);

const openapi = readFileSync(new URL('openapi.json', import.meta.url));
let hits = 0;
let routes = {};

function send(res, status, body) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const go = () => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length });
    res.end(buf);
  };
  if (DELAY > 0) setTimeout(go, DELAY);
  else go();
}

const count = (route) => {
  hits++;
  routes[route] = (routes[route] ?? 0) + 1;
};

const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  const p = u.pathname;
  if (p === '/_stats') {
    if (req.method === 'POST') (hits = 0), (routes = {});
    const b = Buffer.from(JSON.stringify({ hits, routes }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length });
    return res.end(b);
  }
  if (req.method !== 'GET') return send(res, 405, { message: 'method not allowed' });
  if (p === '/openapi.json') return send(res, 200, openapi);
  let m;
  if ((m = /^\/orders\/(\d+)$/.exec(p))) {
    count('/orders/:id');
    const id = Number(m[1]);
    return inRange(id) ? send(res, 200, order(id)) : send(res, 404, { message: 'order not found' });
  }
  if (p === '/orders') {
    count('/orders');
    const limit = Math.min(Number(u.searchParams.get('limit') ?? 20), N);
    const offset = Number(u.searchParams.get('offset') ?? 0);
    const page = [];
    for (let id = offset + 1; id <= Math.min(offset + limit, N); id++) page.push(order(id));
    return send(res, 200, page);
  }
  if ((m = /^\/users\/(\d+)$/.exec(p))) {
    count('/users/:id');
    const id = Number(m[1]);
    return inRange(id) ? send(res, 200, user(id)) : send(res, 404, { message: 'user not found' });
  }
  if (p === '/users') {
    count('/users?ids');
    const ids = u.searchParams.getAll('ids').join(',').split(',').filter(Boolean).map(Number);
    return send(res, 200, ids.map((id) => (inRange(id) ? user(id) : null)));
  }
  if ((m = /^\/hotels\/(\d+)$/.exec(p))) {
    count('/hotels/:id');
    const id = Number(m[1]);
    return inRange(id) ? send(res, 200, hotel(id)) : send(res, 404, { message: 'hotel not found' });
  }
  send(res, 404, { message: 'not found' });
});
server.keepAliveTimeout = 65000;
server.listen(PORT, HOST, () => console.log(`rest upstream on http://${HOST}:${PORT} delay=${DELAY}ms`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
