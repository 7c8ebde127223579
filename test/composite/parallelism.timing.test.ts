import { afterEach, describe, expect, it } from 'vitest';
import { HOTEL_ORDER, startWorld, type World } from './world.js';

const HOTEL_QUERY = `{ hotelOrder(orderId: "1") { order { id userId } user { name } hotel { name } room { type } } }`;

// Upper bounds on time: in the 'timing' project, which runs alone (vitest.config.ts), and
// generous: 200 ms upstreams make parallel 400 ms and serial 800, the bound sits at 700.
// That the steps run in parallel at all is proved by counting in parallelism.test.ts.
describe('composites run independent steps in parallel', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('hotelOrder: user, hotel and room in parallel after order (200 ms upstreams: 400 ms, not 800)', async () => {
    world = await startWorld({ delayMs: 200, composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    await world.gateway.query(HOTEL_QUERY); // warm the connection pool
    const started = performance.now();
    const answer = await world.gateway.query(HOTEL_QUERY);
    const elapsed = performance.now() - started;
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      hotelOrder: { order: { id: '1', userId: '2' }, user: { name: 'User 2' }, hotel: { name: 'Hotel 2' }, room: { type: 'SUITE' } },
    });
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(700);
  });

});
