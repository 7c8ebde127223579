import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { startCountingProxies, type CountingProxies, type MeetRule } from '../helpers/counting-proxy.js';
import { DOORS } from '../helpers/gateway.js';

// The demo schema in schema/ against the demo's own upstreams (REST and SOAP), seen through
// proxies that count the calls in flight. What parallel plans save in time is in
// demo-composites.timing.test.ts; here, by counting, that they run in parallel at all.
/** Calls after the first stage (which reads orders) wait until `count` are in flight together. */
const afterOrders = (count: number): MeetRule => ({ calls: (call) => call.upstream !== 'orders', inFlight: count });

describe.each(DOORS)('the demo composites run their independent calls in parallel (%s)', (via) => {
  let demo: DemoUpstreams;
  let proxies: CountingProxies;
  let gateway: RunningGateway;
  /** Sends a query; the answers to calls `meet` selects wait until that many are in flight together. */
  const query = async (text: string, meet?: MeetRule) => {
    proxies.calls.length = 0;
    proxies.resetMaxInFlight();
    proxies.meet(meet);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text }),
    });
    return response.json() as Promise<{ data?: any; errors?: unknown[] }>;
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    proxies = await startCountingProxies(demo.urls);
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: proxies.urls, onSourceError: 'fail' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { fastLane: via === 'lane' } });
  });
  afterAll(async () => {
    await gateway?.close();
    await proxies?.close();
    await demo?.close();
  });

  it('hotelOrder: users (REST), hotels (REST) and rooms (SOAP) were in flight together, after orders', async () => {
    const answer = await query(`{ hotelOrder(orderId: "1") { user { name } hotel { name } room { type } } }`, afterOrders(3));
    expect(answer.errors).toBeUndefined();
    expect(answer.data.hotelOrder).toEqual({ user: { name: 'Hiro Lovelace' }, hotel: { name: 'Hotel Belvedere' }, room: { type: 'SUITE' } });
    expect(proxies.calls.map((c) => c.upstream)[0]).toBe('orders');
    expect(proxies.calls.map((c) => c.upstream).slice(1).sort()).toEqual(['hotels', 'rooms', 'users']);
    expect(proxies.maxInFlight()).toBe(3);
  });

  it('salary: a chain of three SOAP calls, one at a time', async () => {
    const answer = await query(`{ salary(employeeId: "7") { netSalary } }`);
    expect(answer.data).toEqual({ salary: { netSalary: 4089.19 } });
    expect(proxies.calls.map((c) => c.upstream)).toEqual(['payroll', 'payroll', 'payroll']);
    expect(proxies.maxInFlight()).toBe(1);
  });

  it('orders joined to users, hotels and rooms: all 22 join calls were in flight together', async () => {
    const answer = await query(`{ orders(limit: 30) { id user { name } hotel { name } room { type } } }`, afterOrders(22));
    expect(answer.errors).toBeUndefined();
    expect(answer.data.orders).toHaveLength(30);
    const joins = proxies.calls.filter((c) => c.upstream !== 'orders');
    // Users and rooms through their batch forms, one call each; hotels (no batch form) once per distinct hotel.
    expect(joins.filter((c) => c.upstream === 'users')).toHaveLength(1);
    expect(joins.filter((c) => c.upstream === 'rooms')).toHaveLength(1);
    const hotels = joins.filter((c) => c.upstream === 'hotels').map((c) => c.path);
    expect(new Set(hotels).size).toBe(20);
    expect(hotels).toHaveLength(20);
    expect(proxies.maxInFlight()).toBe(22);
  });
});
