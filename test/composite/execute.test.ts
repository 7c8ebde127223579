import { afterEach, describe, expect, it } from 'vitest';
import { drawFlow } from '../../src/drawing/index.js';
import { DOORS } from '../helpers/gateway.js';
import { HOTEL_ORDER, SALARY, STATEMENT, startWorld, type World } from './world.js';

const HOTEL_QUERY = `{ hotelOrder(orderId: "1") { order { id userId } user { name } hotel { name } room { type } } }`;

describe.each(DOORS)('composites run as a dataflow (%s)', (via) => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('salary: a chain, net waits for both gross and insurance: one call at a time, in order', async () => {
    world = await startWorld({ via, delayMs: 20, composites: { 'salary.graphql': SALARY } });
    const answer = await world.gateway.query(`{ salary(employeeId: "7") { gross { amount } insurance { amount } net { amount } } }`);
    expect(world.upstream.maxInFlight()).toBe(1);
    expect(world.upstream.received.map((r) => r.path)).toEqual(['/payroll/7/gross', '/payroll/insurance', '/payroll/net']);
    expect(answer.data).toEqual({ salary: { gross: { amount: 5000 }, insurance: { amount: 550 }, net: { amount: 4450 } } });
    const net = world.upstream.received.find((r) => r.path === '/payroll/net')!;
    expect([net.query.get('gross'), net.query.get('insurance')]).toEqual(['5000', '550']);
  });

  it('a branch on data: the skipped side sends no upstream request', async () => {
    world = await startWorld({ via, composites: { 's.graphql': STATEMENT } });
    const passed = await world.gateway.query(`{ customerStatement(customerId: "1") { statement { iban } warning { message } } }`);
    expect(passed.data).toEqual({ customerStatement: { statement: { iban: 'PT50 0002' }, warning: null } });
    expect(passed.errors).toBeUndefined();
    expect([world.calls('/bank/1/statement'), world.calls('/bank/1/warning')]).toEqual([1, 0]);

    const failed = await world.gateway.query(`{ customerStatement(customerId: "3") { statement { iban } warning { message } } }`);
    expect(failed.data).toEqual({ customerStatement: { statement: null, warning: { message: 'identity not verified' } } });
    expect([world.calls('/bank/3/statement'), world.calls('/bank/3/warning')]).toEqual([0, 1]);
  });

  it('one failing upstream: its step is null with the error at its path, the others are present', async () => {
    world = await startWorld({ via, failing: ['room'], composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    const answer = await world.gateway.query(`{ booking: hotelOrder(orderId: "1") { user { name } hotel { name } myRoom: room { type } } }`);
    expect(answer.data).toEqual({ booking: { user: { name: 'User 2' }, hotel: { name: 'Hotel 2' }, myRoom: null } });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({
      path: ['booking', 'myRoom'],
      extensions: { code: 'UPSTREAM_HTTP_ERROR', source: 'world', status: 500 },
    });
    // What the upstream wrote stays with the operator unless they expose upstream errors.
    expect(answer.errors![0].extensions).not.toHaveProperty('body');
  });

  it('a failed step skips the steps that need its exports, naming the input and its step', async () => {
    world = await startWorld({ via, failing: ['order'], composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    const answer = await world.gateway.query(HOTEL_QUERY);
    expect(answer.data).toEqual({ hotelOrder: { order: null, user: null, hotel: null, room: null } });
    const messages = Object.fromEntries(answer.errors!.map((e) => [e.path!.join('.'), e.message]));
    expect(messages['hotelOrder.order']).toBe('Upstream "world" answered HTTP 500 to Query.order');
    expect(messages['hotelOrder.user']).toBe('Step "user" did not run: it needs $userId from step "order", which failed');
    expect(messages['hotelOrder.room']).toBe('Step "room" did not run: it needs $roomId from step "order", which failed');
    expect(world.calls('/users')).toBe(0);
  });

  it('a null export into a required variable is a per-step error, not a crash', async () => {
    world = await startWorld({
      via,
      answers: { order: { id: '1', userId: null, hotelId: '2', roomId: '11' } },
      composites: { 'hotelOrder.graphql': HOTEL_ORDER },
    });
    const answer = await world.gateway.query(HOTEL_QUERY);
    expect(answer.data!.hotelOrder).toMatchObject({ user: null, hotel: { name: 'Hotel 2' } });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['hotelOrder', 'user'],
        message: 'Step "user" did not run: $userId is null (exported by order.userId), and Query.user needs a value',
      }),
    ]);
  });

  it('an upstream answering the wrong shape is an error on that step only', async () => {
    world = await startWorld({ via, answers: { hotel: [1, 2] }, composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    const answer = await world.gateway.query(HOTEL_QUERY);
    expect(answer.data!.hotelOrder).toMatchObject({ hotel: null, user: { name: 'User 2' } });
    expect(answer.errors![0]).toMatchObject({ path: ['hotelOrder', 'hotel'], extensions: { code: 'UPSTREAM_BAD_RESPONSE' } });
  });

  it('runs only the steps the client selected, and what they need', async () => {
    world = await startWorld({ via, composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    const answer = await world.gateway.query(`{ hotelOrder(orderId: "1") { hotel { name } } }`);
    expect(answer.data).toEqual({ hotelOrder: { hotel: { name: 'Hotel 2' } } });
    expect([world.calls('/orders'), world.calls('/hotels'), world.calls('/users'), world.calls('/rooms')]).toEqual([1, 1, 0, 0]);
  });

  it('exports inside a list become a list', async () => {
    world = await startWorld({
      via,
      composites: {
        'team.graphql': `query team($n: Int!, $ids: [ID!] @internal) {
          orders(limit: $n) { userId @export(as: "ids") }
          users(ids: $ids) { id }
        }`,
      },
    });
    const answer = await world.gateway.query(`{ team(n: 3) { users { id } } }`);
    expect(answer.data).toEqual({ team: { users: [{ id: '3' }, { id: '2' }, { id: '1' }] } });
    expect(world.upstream.received.find((r) => r.path === '/users')!.query.get('ids')).toBe('1,2,3');
  });

  it('mutations run one after another in document order, exports flowing between them', async () => {
    world = await startWorld({
      via,
      delayMs: 20,
      composites: {
        'journal.graphql': `mutation journal($a: ID @internal, $b: ID @internal) {
          first: record(step: 1) { id @export(as: "a") }
          second: record(step: 2, after: $a) { id @export(as: "b") }
          third: record(step: 3, after: $b) { id }
          fourth: record(step: 4) { id }
        }`,
      },
    });
    const answer = await world.gateway.query(`mutation { journal { first { id } second { id } third { id } fourth { id } } }`);
    expect(answer.data).toEqual({ journal: { first: { id: 'r1' }, second: { id: 'r2' }, third: { id: 'r3' }, fourth: { id: 'r4' } } });
    const journal = world.upstream.received.filter((r) => r.path === '/journal');
    expect(journal.map((r) => [r.query.get('step'), r.query.get('after')])).toEqual([
      ['1', null],
      ['2', 'r1'],
      ['3', 'r2'],
      ['4', null],
    ]);
    // The fourth needs nothing from the others, and still waits for them: a mutation is never sent alongside another.
    expect(world.upstream.maxInFlight()).toBe(1);
  });

  it('a composite can call another composite', async () => {
    world = await startWorld({
      via,
      composites: {
        'hotelOrder.graphql': HOTEL_ORDER,
        'trip.graphql': `query trip($orderId: ID!, $hotel: ID @internal) {
          hotelOrder(orderId: $orderId) { order { hotelId @export(as: "hotel") } user { name } }
          hotel(id: $hotel) { stars }
        }`,
      },
    });
    const answer = await world.gateway.query(`{ trip(orderId: "4") { hotelOrder { order { hotelId } user { name } } hotel { stars } } }`);
    expect(answer.data).toEqual({ trip: { hotelOrder: { order: { hotelId: '2' }, user: { name: 'User 5' } }, hotel: { stars: 4 } } });
  });

  it('Skein-Expose-Plan: true returns the plan with step timings; without it, nothing', async () => {
    world = await startWorld({ via, delayMs: 30, composites: { 'hotelOrder.graphql': HOTEL_ORDER } });
    const plain = await world.gateway.query(HOTEL_QUERY);
    expect(plain.extensions).toBeUndefined();
    const traced = await world.gateway.query(HOTEL_QUERY, undefined, { 'Skein-Expose-Plan': 'true' });
    const [trace] = traced.extensions!.plan;
    expect(trace).toMatchObject({ composite: 'hotelOrder', stages: [['order'], ['user', 'hotel', 'room']], criticalPath: ['order', 'user'] });
    const steps = Object.fromEntries(trace.steps.map((s: any) => [s.step, s]));
    expect(Object.keys(steps).sort()).toEqual(['hotel', 'order', 'room', 'user']);
    for (const key of ['user', 'hotel', 'room']) {
      expect(steps[key].startMs).toBeGreaterThanOrEqual(steps.order.endMs);
      expect(steps[key].status).toBe('done');
      expect(steps[key].endMs - steps[key].startMs).toBeGreaterThanOrEqual(25);
    }
  });

  it('Skein-Expose-Plan: each composite that ran comes with its flow, each step with how it ended, for a page to draw', async () => {
    world = await startWorld({ via, failing: ['room'], composites: { 's.graphql': STATEMENT, 'hotelOrder.graphql': HOTEL_ORDER } });
    const traced = await world.gateway.query(
      `{ customerStatement(customerId: "1") { statement { iban } warning { message } } hotelOrder(orderId: "1") { user { name } room { type } } }`,
      undefined,
      { 'Skein-Expose-Plan': 'true' },
    );
    const flows = Object.fromEntries(traced.extensions!.plan.map((entry: any) => [entry.composite, entry.flow]));
    expect(flows.hotelOrder.steps.map((s: any) => [s.id, s.detail, s.critical, s.status])).toEqual([
      ['order', 'Query.order', true, 'ok'],
      ['user', 'Query.user', true, 'ok'],
      ['hotel', 'Query.hotel', false, undefined], // not selected, so it did not run
      ['room', 'Query.room', false, 'error'],
    ]);
    expect(flows.hotelOrder.edges).toEqual([
      { from: 'order', to: 'user', kind: 'data', label: '$userId', critical: true },
      { from: 'order', to: 'hotel', kind: 'data', label: '$hotelId', critical: false },
      { from: 'order', to: 'room', kind: 'data', label: '$roomId', critical: false },
    ]);
    // The bank verifies customer 1, so the warning is skipped by its condition.
    expect(flows.customerStatement.steps.map((s: any) => [s.id, s.conditional, s.status])).toEqual([
      ['verification', false, 'ok'],
      ['statement', true, 'ok'],
      ['warning', true, 'skipped'],
    ]);
    const svg = await drawFlow(flows.hotelOrder);
    expect(svg).toContain('data-step="room" data-critical="false" data-conditional="false" data-status="error"');
  });
});
