import { afterEach, describe, expect, it } from 'vitest';
import { DOORS } from '../helpers/gateway.js';
import { HOTEL_ORDER, SALARY, startWorld, type World } from './world.js';

const HOTEL_QUERY = `{ hotelOrder(orderId: "1") { order { id userId } user { name } hotel { name } room { type } } }`;

// Parallelism proved by counting calls in flight at the upstream, not by the clock: these
// hold however busy the machine is. How much time it saves is in parallelism.timing.test.ts.
describe.each(DOORS)('composites run independent steps in parallel (%s)', (via) => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('hotelOrder: the three steps after order were in flight together, order alone before them', async () => {
    world = await startWorld({ via, composites: { 'hotelOrder.graphql': HOTEL_ORDER }, meet: { endpoints: ['user', 'hotel', 'room'], inFlight: 3 } });
    const answer = await world.gateway.query(HOTEL_QUERY);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      hotelOrder: { order: { id: '1', userId: '2' }, user: { name: 'User 2' }, hotel: { name: 'Hotel 2' }, room: { type: 'SUITE' } },
    });
    expect(world.upstream.maxInFlight()).toBe(3);
    const paths = world.upstream.received.map((r) => r.path);
    expect(paths[0]).toBe('/orders/1');
    expect(paths.slice(1).sort()).toEqual(['/hotels/2', '/rooms/11', '/users/2']);
  });

  it('a step the client did not select is not waited for: two of the three meet', async () => {
    world = await startWorld({ via, composites: { 'hotelOrder.graphql': HOTEL_ORDER }, meet: { endpoints: ['user', 'room'], inFlight: 2 } });
    const answer = await world.gateway.query(`{ hotelOrder(orderId: "1") { user { name } room { type } } }`);
    expect(answer.data).toEqual({ hotelOrder: { user: { name: 'User 2' }, room: { type: 'SUITE' } } });
    expect(world.upstream.maxInFlight()).toBe(2);
    expect(world.calls('/hotels')).toBe(0);
  });

  it('salary: a chain, so never more than one call in flight, even with every answer late', async () => {
    world = await startWorld({ via, delayMs: 20, composites: { 'salary.graphql': SALARY } });
    const answer = await world.gateway.query(`{ salary(employeeId: "7") { net { amount } } }`);
    expect(answer.data).toEqual({ salary: { net: { amount: 4450 } } });
    expect(world.upstream.maxInFlight()).toBe(1);
    expect(world.upstream.received.map((r) => r.path)).toEqual(['/payroll/7/gross', '/payroll/insurance', '/payroll/net']);
  });

  it('root fields of one query are fetched in parallel, like composite steps', async () => {
    world = await startWorld({ via, meet: { endpoints: ['user', 'hotel', 'room'], inFlight: 3 } });
    const answer = await world.gateway.query(`{ user(id: "1") { name } hotel(id: "2") { name } room(roomId: "3") { floor } }`);
    expect(answer.data).toEqual({ user: { name: 'User 1' }, hotel: { name: 'Hotel 2' }, room: { floor: 3 } });
    expect(world.upstream.maxInFlight()).toBe(3);
  });

  it('two composite calls in one request run side by side', async () => {
    world = await startWorld({ via, composites: { 'salary.graphql': SALARY }, meet: { endpoints: ['gross'], inFlight: 2 } });
    const answer = await world.gateway.query(`{ a: salary(employeeId: "1") { net { amount } } b: salary(employeeId: "2") { net { amount } } }`);
    expect(answer.data).toEqual({ a: { net: { amount: 4450 } }, b: { net: { amount: 4450 } } });
    expect(world.upstream.maxInFlight()).toBe(2);
  });
});
