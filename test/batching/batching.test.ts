import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../composite/world.js';
import { DOORS } from '../helpers/gateway.js';

const ORDERS_WITH_USERS = `{ orders(limit: 100) { id user { id name } } }`;

describe.each(DOORS)('joins are batched per request (%s)', (via) => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('with a batch form: 100 orders joined to their users are 1 call for the orders and 1 for the users', async () => {
    world = await startWorld({ via, batch: 100 });
    const answer = await world.gateway.query(ORDERS_WITH_USERS);
    expect(answer.errors).toBeUndefined();
    const orders = answer.data!.orders as { id: string; user: { id: string; name: string } | null }[];
    expect(orders).toHaveLength(100);
    // Matched back by key, although the batch endpoint answers in reverse order.
    expect(orders[0]).toEqual({ id: '1', user: { id: '1', name: 'User 1' } });
    expect(orders[13]).toEqual({ id: '14', user: { id: '4', name: 'User 4' } });
    expect([world.calls('/orders'), world.calls('/users')]).toEqual([1, 1]);
    const ids = world.upstream.received.find((r) => r.path === '/users')!.query.get('ids')!.split(',');
    expect(ids.sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '99']);
  });

  it('a key the batch endpoint leaves out resolves to null, not an error for the whole batch', async () => {
    world = await startWorld({ via, batch: 100 });
    const answer = await world.gateway.query(ORDERS_WITH_USERS);
    const orders = answer.data!.orders as { id: string; user: unknown }[];
    expect(orders[24]).toEqual({ id: '25', user: null });
    expect(answer.errors).toBeUndefined();
  });

  it('N keys become ceil(N / maxBatchSize) calls', async () => {
    world = await startWorld({ via, batch: 4 });
    await world.gateway.query(ORDERS_WITH_USERS);
    // 11 distinct user ids, at most 4 per call.
    expect(world.calls('/users')).toBe(3);
    const sizes = world.upstream.received.filter((r) => r.path === '/users').map((r) => r.query.get('ids')!.split(',').length);
    expect(sizes.sort()).toEqual([3, 4, 4]);
  });

  it('the batch calls of one request are in flight together', async () => {
    world = await startWorld({ via, batch: 4, meet: { endpoints: ['users'], inFlight: 3 } });
    const answer = await world.gateway.query(ORDERS_WITH_USERS);
    expect(answer.errors).toBeUndefined();
    expect(world.calls('/users')).toBe(3);
    expect(world.upstream.maxInFlight()).toBe(3);
  });

  it('a single lookup calls the single operation, which answers for itself', async () => {
    world = await startWorld({ via, batch: 100 });
    const answer = await world.gateway.query(`{ user(id: "5") { name } }`);
    expect(answer.data).toEqual({ user: { name: 'User 5' } });
    expect(world.upstream.received.map((r) => r.path)).toEqual(['/users/5']);
  });

  it('without a batch form: identical calls are made once, so 10 distinct users are 10 calls', async () => {
    world = await startWorld({ via });
    const answer = await world.gateway.query(`{ orders(limit: 100) { id userId user { name } } }`);
    const orders = answer.data!.orders as { userId: string; user: { name: string } | null }[];
    expect(orders.every((o) => o.userId === '99' || o.user!.name === `User ${o.userId}`)).toBe(true);
    expect(world.calls('/orders')).toBe(1);
    expect(world.calls('/users/')).toBe(11);
    expect(world.calls('/users')).toBe(11);
  });

  it('root fields, joins and composite steps share one cache per request', async () => {
    world = await startWorld({ via, batch: 100 });
    const answer = await world.gateway.query(`{ a: user(id: "3") { name } b: user(id: "3") { name } order(id: "2") { user { name } } }`);
    expect(answer.data).toEqual({ a: { name: 'User 3' }, b: { name: 'User 3' }, order: { user: { name: 'User 3' } } });
    expect(world.calls('/users')).toBe(1);
    // A new request starts with an empty cache.
    await world.gateway.query(`{ user(id: "3") { name } }`);
    expect(world.calls('/users')).toBe(2);
  });

  it('a failing batch call is an error on each field that needed it', async () => {
    world = await startWorld({ via, batch: 100, failing: ['users'] });
    const answer = await world.gateway.query(`{ orders(limit: 2) { id user { name } } }`);
    expect(answer.data).toEqual({ orders: [{ id: '1', user: null }, { id: '2', user: null }] });
    expect(answer.errors!.map((e) => e.path)).toEqual([
      ['orders', 0, 'user'],
      ['orders', 1, 'user'],
    ]);
    expect(answer.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', status: 500 });
  });
});
