import { loggerTo } from '../helpers/log-capture.js';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { deleteStreams, SHARED_MQTT_URL, SHARED_NATS_URL, uniqueSuffix, until } from '../helpers/brokers.js';
import { subscribeOverSse, subscribeOverWebSocket, type SubscriptionReader } from '../helpers/subscription-clients.js';

const open: { close(): Promise<void> }[] = [];
const streams: string[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  if (streams.length > 0) await deleteStreams(SHARED_NATS_URL, ...streams.splice(0));
});

/** An orders graph on the shared NATS server, with subjects and a stream of this test's own. */
function natsOrders(id: string): Record<string, string> {
  streams.push(`ORDERS_${id}`);
  return {
    'orders.graphql': /* GraphQL */ `
      extend schema @source(name: "orders", kind: NATS, url: "${SHARED_NATS_URL}", stream: "ORDERS_${id}", streamSubjects: ["o${id}.>"])
      type Order { id: ID! hotelId: ID! total: Float status: String }
      input OrderInput { id: ID! hotelId: ID! total: Float status: String }
      type Published { subject: String! stream: String sequence: Int duplicate: Boolean! }
      type Mutation {
        placeOrder(input: OrderInput!): Published @publish(source: "orders", subject: "o${id}.orders.{input.hotelId}.placed")
        placeOrderAck(input: OrderInput!): Boolean! @publish(source: "orders", subject: "o${id}.orders.{input.hotelId}.placed")
      }
      type Subscription {
        orderPlaced(hotelId: ID): Order @subscribe(source: "orders", subject: "o${id}.orders.*.placed")
        paidOrders: Order @subscribe(source: "orders", subject: "o${id}.orders.>", filter: [{ field: "status", value: "PAID" }])
      }
    `,
  };
}

async function gateway(sources: Record<string, string>, via: 'lane' | 'yoga' = 'lane', settings: Record<string, unknown> = {}): Promise<TestGateway> {
  const started = await startTestGateway({ sources }, { onSourceError: 'degrade' }, { via, logger: loggerTo(), settings });
  open.push(started);
  await until(() => [...started.graph.brokers].every(([, broker]) => broker.status() === 'up'));
  return started;
}

const ORDER_PLACED = 'subscription ($hotelId: ID) { orderPlaced(hotelId: $hotelId) { id hotelId total } }';
const PLACE = 'mutation ($input: OrderInput!) { placeOrder(input: $input) { subject stream sequence duplicate } }';

describe.each(DOORS)('subscriptions from NATS through the %s door', (via) => {
  it('serves @subscribe over SSE, typed, filtered by argument, fed by @publish answering with the PubAck', async () => {
    const id = uniqueSuffix();
    const served = await gateway(natsOrders(id), via);
    const all = await subscribeOverSse(served.url, ORDER_PLACED);
    const hotel7 = await subscribeOverSse(served.url, ORDER_PLACED, { hotelId: '7' });
    open.push(all, hotel7);
    expect(all.status).toBe(200);

    const first = await served.query(PLACE, { input: { id: '1', hotelId: '3', total: 120.5 } });
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ placeOrder: { subject: `o${id}.orders.3.placed`, stream: `ORDERS_${id}`, sequence: 1, duplicate: false } });
    const second = await served.query('mutation ($input: OrderInput!) { placeOrderAck(input: $input) }', { input: { id: '2', hotelId: '7', total: 80 } });
    expect(second.data).toEqual({ placeOrderAck: true });

    expect(await all.next()).toEqual({ data: { orderPlaced: { id: '1', hotelId: '3', total: 120.5 } } });
    expect(await all.next()).toEqual({ data: { orderPlaced: { id: '2', hotelId: '7', total: 80 } } });
    // The hotel-7 subscriber saw only hotel 7's order.
    expect(await hotel7.next()).toEqual({ data: { orderPlaced: { id: '2', hotelId: '7', total: 80 } } });
    expect(hotel7.buffered).toBe(0);
  });
});

describe('subscriptions', () => {
  it('applies a declared filter and answers a malformed message as an error event, then goes on', async () => {
    const id = uniqueSuffix();
    const served = await gateway(natsOrders(id));
    const paid = await subscribeOverSse(served.url, 'subscription { paidOrders { id status } }');
    const orders = await subscribeOverSse(served.url, ORDER_PLACED);
    open.push(paid, orders);
    const broker = served.graph.brokers.require('orders');
    await broker.publish(`o${id}.orders.1.placed`, new TextEncoder().encode('{"id": "1", "status": "NEW"'));
    await served.query(PLACE, { input: { id: '2', hotelId: '1', status: 'PAID', total: 1 } });
    const malformed = await orders.next();
    expect(malformed.data).toEqual({ orderPlaced: null });
    expect(malformed.errors?.[0]).toMatchObject({
      message: expect.stringContaining(`A message on "o${id}.orders.1.placed" from source "orders" could not be read: the payload is not JSON`),
      extensions: { code: 'MALFORMED_EVENT', source: 'orders', subject: `o${id}.orders.1.placed` },
    });
    expect(await orders.next()).toEqual({ data: { orderPlaced: { id: '2', hotelId: '1', total: 1 } } });
    // The declared filter let the PAID order through; the malformed one is reported to it too.
    const firstPaid = await paid.next();
    expect(firstPaid.errors?.[0].extensions?.code).toBe('MALFORMED_EVENT');
    expect(await paid.next()).toEqual({ data: { paidOrders: { id: '2', status: 'PAID' } } });
  });

  it('serves subscriptions over graphql-ws on /graphql, through the same limits', async () => {
    const id = uniqueSuffix();
    const served = await gateway(natsOrders(id), 'lane', { maxAliases: 1 });
    const reader: SubscriptionReader = await subscribeOverWebSocket(served.url, ORDER_PLACED, { hotelId: '5' });
    open.push(reader);
    // The socket subscribes asynchronously: publish until the first order arrives.
    let n = 0;
    await until(async () => {
      await served.query(PLACE, { input: { id: `warm-${n++}`, hotelId: '5' } });
      return reader.buffered > 0;
    }, 100);
    const first = await reader.next();
    expect(first.data.orderPlaced.hotelId).toBe('5');
    await served.query(PLACE, { input: { id: 'other', hotelId: '6' } });
    await served.query(PLACE, { input: { id: 'mine', hotelId: '5' } });
    let result = await reader.next();
    while (result.data.orderPlaced.id.startsWith('warm-')) result = await reader.next();
    expect(result).toEqual({ data: { orderPlaced: { id: 'mine', hotelId: '5', total: null } } });

    // A document over the alias limit is refused over the socket as over SSE, before it subscribes.
    const aliased = 'subscription { orderPlaced { a: id b: id } }';
    const overSocket = await subscribeOverWebSocket(served.url, aliased);
    open.push(overSocket);
    const refused = await overSocket.next();
    const overSse = await subscribeOverSse(served.url, aliased);
    open.push(overSse);
    const sseText = JSON.stringify(await overSse.next().catch(() => undefined)) + String(overSse.status);
    expect(refused.failed?.[0]?.message ?? JSON.stringify(refused)).toMatch(/Aliases limit of 1 exceeded, found 2/);
    expect(sseText).toMatch(/Aliases limit of 1 exceeded, found 2/);
  });

  it('checks the bearer token of a subscription as of any request, over graphql-ws and SSE: a bad one is refused, a good one subscribes', async () => {
    const id = uniqueSuffix();
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const served = await gateway(natsOrders(id), 'lane', { jwt: { secret, issuer: 'https://issuer.test', audience: 'skein' } });
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setIssuer('https://issuer.test').setAudience('skein')
      .setExpirationTime('5m').sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'));
    const refusedReader = await subscribeOverWebSocket(served.url, ORDER_PLACED, {}, { authorization: `Bearer ${forged}` });
    open.push(refusedReader);
    const refused = await refusedReader.next();
    expect(refused.failed?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(refused)).not.toContain(forged);
    // Over SSE the same token is refused as the subscription would start: 401, nothing subscribed.
    const overSse = await subscribeOverSse(served.url, ORDER_PLACED, {}, { authorization: `Bearer ${forged}` });
    open.push(overSse);
    const sseRefusal = await overSse.next().catch((error: unknown) => ({ failed: String(error) }));
    expect(overSse.status).toBe(401);
    expect(JSON.stringify(sseRefusal)).toMatch(/UNAUTHENTICATED/);
    expect(JSON.stringify(sseRefusal)).not.toContain(forged);

    const good = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuer('https://issuer.test').setAudience('skein')
      .setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const reader = await subscribeOverWebSocket(served.url, ORDER_PLACED, { hotelId: '9' }, { authorization: `Bearer ${good}` });
    open.push(reader);
    let n = 0;
    await until(async () => {
      await served.query(PLACE, { input: { id: `o${n++}`, hotelId: '9' } }, { authorization: `Bearer ${good}` });
      return reader.buffered > 0;
    }, 100);
    expect((await reader.next()).data.orderPlaced.hotelId).toBe('9');
  });

  it('publishes to MQTT with QoS 1 and serves an MQTT subscription with + wildcards', async () => {
    const id = uniqueSuffix();
    const served = await gateway({
      'devices.graphql': /* GraphQL */ `
        extend schema @source(name: "devices", kind: MQTT, url: "${SHARED_MQTT_URL}")
        type Reading { device: String! celsius: Float! }
        input ReadingInput { device: String! celsius: Float! }
        type Query { nothing: Boolean @publish(source: "devices", subject: "d${id}/none") }
        type Mutation { report(input: ReadingInput!): Boolean! @publish(source: "devices", subject: "d${id}/{input.device}/temp") }
        type Subscription { readings(device: String): Reading @subscribe(source: "devices", subject: "d${id}/+/temp") }
      `,
    }).catch((error) => error);
    // A Query field cannot publish: the schema says where.
    expect(String(served)).toContain('@publish on Query.nothing: publishing changes something, so it belongs on a Mutation field');

    const ok = await gateway({
      'devices.graphql': /* GraphQL */ `
        extend schema @source(name: "devices", kind: MQTT, url: "${SHARED_MQTT_URL}")
        type Reading { device: String! celsius: Float! }
        input ReadingInput { device: String! celsius: Float! }
        type Mutation { report(input: ReadingInput!): Boolean! @publish(source: "devices", subject: "d${id}/{input.device}/temp") }
        type Subscription { readings(device: String): Reading @subscribe(source: "devices", subject: "d${id}/+/temp") }
      `,
    });
    const kitchen = await subscribeOverSse(ok.url, 'subscription { readings(device: "kitchen") { device celsius } }');
    open.push(kitchen);
    expect((await ok.query('mutation { report(input: { device: "hall", celsius: 18.5 }) }')).data).toEqual({ report: true });
    expect((await ok.query('mutation { report(input: { device: "kitchen", celsius: 21 }) }')).data).toEqual({ report: true });
    expect(await kitchen.next()).toEqual({ data: { readings: { device: 'kitchen', celsius: 21 } } });
    const bad = await ok.query('mutation { report(input: { device: "a/b", celsius: 1 }) }');
    expect(bad.errors?.[0].message).toContain('the value "a/b" cannot be part of the subject');
  });
});
