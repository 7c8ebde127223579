// The SOAP upstream of the benchmark: HotelRoomService.GetRoom with npm `soap`
// (soap.listen on node:http), the same service, WSDL (hotel-room.wsdl, a copy of the peer's)
// and data as the peer benchmark's upstreams/soap.js.
//   POST /HotelRoomService       SOAP 1.1, document/literal wrapped; GET ?wsdl
//   GET /_stats, POST /_stats    call counter ({"hits": n}); POST zeroes it
//
// env: SOAP_PORT (4102), SOAP_HOST (127.0.0.1), UPSTREAM_DELAY_MS (0).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import soap from 'soap';
import { room } from './data.js';

const PORT = Number(process.env.SOAP_PORT || 4102);
const HOST = process.env.SOAP_HOST || '127.0.0.1';
const DELAY = Number(process.env.UPSTREAM_DELAY_MS || 0);
const wsdl = readFileSync(new URL('hotel-room.wsdl', import.meta.url), 'utf8');

let hits = 0;

const service = {
  HotelRoomService: {
    HotelRoomPort: {
      GetRoom(args, cb) {
        hits++;
        const out = room(Number(args.roomId));
        if (DELAY > 0) setTimeout(() => cb(null, out), DELAY);
        else cb(null, out);
      },
    },
  },
};

const server = http.createServer((req, res) => {
  if (req.url === '/_stats') {
    if (req.method === 'POST') hits = 0;
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ hits }));
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 65000;
server.listen(PORT, HOST, () => {
  soap.listen(server, '/HotelRoomService', service, wsdl, () =>
    console.log(`soap upstream on http://${HOST}:${PORT}/HotelRoomService?wsdl delay=${DELAY}ms`),
  );
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
