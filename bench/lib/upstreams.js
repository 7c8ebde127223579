// The bench's own upstreams (bench/upstreams/rest.js and soap.js) as child processes.
import path from 'node:path';
import { request } from './http.js';
import { BENCH } from './paths.js';
import { assertPortFree, start, stop, waitUntil } from './processes.js';

/** Starts the REST and SOAP upstreams answering `delayMs` late; returns their URLs, call counters and stop(). */
export async function startUpstreams({ restPort, soapPort, delayMs = 0 }) {
  await assertPortFree(restPort);
  await assertPortFree(soapPort);
  const env = { UPSTREAM_DELAY_MS: String(delayMs), REST_PORT: String(restPort), SOAP_PORT: String(soapPort) };
  const rest = start(`upstream-rest-${delayMs}ms`, process.execPath, [path.join(BENCH, 'upstreams', 'rest.js')], { env });
  const soap = start(`upstream-soap-${delayMs}ms`, process.execPath, [path.join(BENCH, 'upstreams', 'soap.js')], { env });
  const restUrl = `http://127.0.0.1:${restPort}`;
  const soapUrl = `http://127.0.0.1:${soapPort}/HotelRoomService`;
  await waitUntil(rest, 'REST upstream', async () => (await request(`${restUrl}/_stats`)).status === 200);
  await waitUntil(soap, 'SOAP upstream', async () => (await request(`${soapUrl}?wsdl`)).status === 200);
  const read = async (url, method) => JSON.parse((await request(url, { method })).body);
  return {
    restUrl,
    soapUrl,
    delayMs,
    /** Skein's source URL overrides for bench/schema. */
    skeinEnv: { SKEIN_SOURCE_ORDERS_URL: restUrl, SKEIN_SOURCE_ROOMS_URL: soapUrl },
    /** Calls counted so far: { rest, soap, routes }. */
    async stats() {
      const r = await read(`${restUrl}/_stats`, 'GET');
      const s = await read(`http://127.0.0.1:${soapPort}/_stats`, 'GET');
      return { rest: r.hits, soap: s.hits, total: r.hits + s.hits, routes: r.routes };
    },
    async reset() {
      await read(`${restUrl}/_stats`, 'POST');
      await read(`http://127.0.0.1:${soapPort}/_stats`, 'POST');
    },
    async stop() {
      await stop(rest);
      await stop(soap);
    },
  };
}
