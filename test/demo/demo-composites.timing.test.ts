import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GRAPHIQL_EXAMPLE, startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';

// The demo schema in schema/ against the demo's own upstreams (REST and SOAP), every
// answer 200 ms late, as `SKEIN_DEMO_DELAY_MS=200 npm start` serves it. Upper bounds are
// generous (load on a shared machine stretches every call); that calls run in parallel at all is proved by
// counting in demo-composites.test.ts.
describe('the demo composites, with 200 ms upstreams', () => {
  let demo: DemoUpstreams;
  let gateway: RunningGateway;
  const query = async (text: string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: text }),
    });
    return { ...(await response.json()), elapsed: performance.now() - started };
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 200 });
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: demo.urls, onSourceError: 'fail' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await gateway.close();
    await demo.close();
  });

  it('hotelOrder: REST and SOAP in one plan, two stages deep: at least 400 ms, well under the 800 of four calls in a row', async () => {
    const text = `{ hotelOrder(orderId: "1") { order { id total } user { name gender } hotel { name stars } room { type floor hasWindow } } }`;
    await query(text); // warm the connection pools
    const answer = await query(text);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      hotelOrder: {
        order: { id: '1', total: 117.01 },
        user: { name: 'Hiro Lovelace', gender: 'MALE' },
        hotel: { name: 'Hotel Belvedere', stars: 2 },
        room: { type: 'SUITE', floor: 2, hasWindow: true },
      },
    });
    expect(answer.elapsed).toBeGreaterThanOrEqual(400);
    expect(answer.elapsed).toBeLessThan(700);
  });

  it('salary: a chain of three SOAP calls, at least 600 ms', async () => {
    const answer = await query(`{ salary(employeeId: "7") { grossSalary socialInsurance netSalary } }`);
    expect(answer.data).toEqual({ salary: { grossSalary: 5111.49, socialInsurance: 1022.3, netSalary: 4089.19 } });
    expect(answer.elapsed).toBeGreaterThanOrEqual(600);
  });

  it('customerStatement: the branch not taken does not run', async () => {
    const passed = await query(`{ customerStatement(customerId: "1") { statement { iban } warning { message } } }`, {
      'skein-expose-plan': 'true',
    });
    expect(passed.data.customerStatement.statement.iban).toMatch(/^PT50/);
    expect(passed.data.customerStatement.warning).toBeNull();
    const steps = Object.fromEntries(passed.extensions.plan[0].steps.map((s: { step: string; status: string }) => [s.step, s.status]));
    expect(steps).toEqual({ verification: 'done', statement: 'done', warning: 'skipped' });

    const failed = await query(`{ customerStatement(customerId: "3") { statement { iban } warning { message } } }`);
    expect(failed.data.customerStatement).toEqual({
      statement: null,
      warning: { message: 'Customer 3: identity not verified. Statement withheld.' },
    });
  });

  it("GraphiQL's first tab in the demo is a query that answers without errors", async () => {
    const answer = await query(DEMO_GRAPHIQL_EXAMPLE);
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data)).toEqual(['hotelOrder', 'orders', 'customerStatement']);
  });

  it('orders joined to users, hotels and rooms in one query', async () => {
    const answer = await query(`{ orders(limit: 30) { id user { name } hotel { name } room { type } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.orders).toHaveLength(30);
    expect(answer.data.orders[0]).toEqual({ id: '1', user: { name: 'Hiro Lovelace' }, hotel: { name: 'Hotel Belvedere' }, room: { type: 'SUITE' } });
    // Orders, then users (batch form), hotels and rooms together: two stages, 400 ms, where 23 calls in a row take 4.6 s.
    expect(answer.elapsed).toBeLessThan(1_000);
  });
});
