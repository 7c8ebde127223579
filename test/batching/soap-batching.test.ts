import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder, type SchemaInput } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';

/** A pass-through proxy that records the SOAPAction of every call to the demo's room service. */
async function countingProxy(target: string): Promise<{ url: string; actions: string[]; close(): Promise<void> }> {
  const actions: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      actions.push(String(req.headers.soapaction ?? ''));
      const answer = await fetch(target, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rooms`,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// The batch form of a SOAP lookup is an operation taking an array (GetRooms): the same @batch as for REST.
describe('a SOAP batch form', () => {
  let demo: DemoUpstreams;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  const folder = loadSchemaFolder('schema');
  const serve = async (input: SchemaInput): Promise<RunningGateway> =>
    startGateway({ graph: await buildGraph(input, { urls: { ...demo.urls, rooms: proxy.url } }), port: 0, host: '127.0.0.1' });
  const query = async (gateway: RunningGateway, text: string) =>
    (await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) })).json();

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    proxy = await countingProxy(demo.urls.rooms);
  });
  afterAll(async () => {
    await proxy.close();
    await demo.close();
  });

  it('30 orders joined to their rooms are one GetRooms call, matched back by roomId', async () => {
    const gateway = await serve(folder);
    try {
      proxy.actions.length = 0;
      const answer = await query(gateway, '{ orders(limit: 30) { id roomId room { roomId type } } }');
      expect(answer.errors).toBeUndefined();
      const orders = answer.data.orders as { roomId: string; room: { roomId: string } }[];
      expect(orders.every((o) => o.room.roomId === o.roomId)).toBe(true);
      expect(proxy.actions).toEqual(['"urn:skein:demo:rooms/GetRooms"']);
    } finally {
      await gateway.close();
    }
  });

  it('without it, the same query is one GetRoom call per distinct room', async () => {
    const withoutBatch: SchemaInput = {
      ...folder,
      sources: folder.sources.map((f) => ({ ...f, text: f.text.replace(/@batch\(query: "rooms\(roomIds: \$roomId\)", key: "roomId"\)/, '') })),
    };
    const gateway = await serve(withoutBatch);
    try {
      proxy.actions.length = 0;
      await query(gateway, '{ orders(limit: 30) { id room { roomId } } }');
      expect(proxy.actions).toHaveLength(30);
      expect(new Set(proxy.actions)).toEqual(new Set(['"urn:skein:demo:rooms/GetRoom"']));
    } finally {
      await gateway.close();
    }
  });
});
